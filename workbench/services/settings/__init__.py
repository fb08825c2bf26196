"""Settings inside the file: stored values, rep preferences, reason lists, lead sources."""
