"""The settings dialog and its forms and list editors."""
