"""Safety in the GUI: backups, recovery offer, Check file, the trash view."""
