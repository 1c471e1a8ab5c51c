"""Reports for political groups."""
