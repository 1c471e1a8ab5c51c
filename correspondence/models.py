"""Models for the correspondence app: built in a later issue."""
