"""Models for the concerns app: built in a later issue."""
