"""Nothing lost: backups, the file-change watch, integrity checks, the trash."""
