"""Scoring jobs against saved searches and the portfolio: 0-100, always with reasons."""
