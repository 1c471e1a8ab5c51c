"""Models for the protocol app: built in a later issue."""
