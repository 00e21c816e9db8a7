"""Presets that map popular e-commerce frameworks to Clerk.io with no mapping code."""
