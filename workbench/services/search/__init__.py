"""Finding records: type-ahead lookup and global search over records and commands."""
