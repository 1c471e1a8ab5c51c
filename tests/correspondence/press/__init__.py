"""The press office and the public news page."""
