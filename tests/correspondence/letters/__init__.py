"""The correspondence register."""
