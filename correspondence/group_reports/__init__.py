"""Reports for one political group (R15): facts and options, never a recommendation, and the
other groups told that one was prepared."""
