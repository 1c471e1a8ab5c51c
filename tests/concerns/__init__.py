"""Concerns, grievances and complaints: routing, stages, the formal procedure, and who may see
them."""
