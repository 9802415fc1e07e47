"""Lodestar: run mentorship programs end to end."""
