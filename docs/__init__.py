"""The manual's pictures and the script that makes them."""
