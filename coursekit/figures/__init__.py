"""Figures: drawn in each language, compared by content."""
