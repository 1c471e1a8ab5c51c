"""Across the apps: the permission matrix, hostile input, faults (servers down, workers killed),
security headers and deployment checks, query counts of every list page, and the scale
generator."""
