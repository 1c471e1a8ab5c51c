"""Information requests."""
