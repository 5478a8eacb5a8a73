"""Wildberries: categories, characteristics and card upload."""
