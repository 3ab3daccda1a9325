"""bidboard package."""
