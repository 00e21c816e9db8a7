"""Presets for Django frameworks."""
