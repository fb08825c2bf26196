"""Shared by every area: app context, undo commands, item models, widgets, theme, workers, errors."""
