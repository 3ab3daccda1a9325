"""Drafting proposals for a person to review, and the compliance linter every draft passes."""
