"""The Today area: the day's work queue."""
