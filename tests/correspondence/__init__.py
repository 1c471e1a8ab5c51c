"""Correspondence, a folder a subject as in the app."""
