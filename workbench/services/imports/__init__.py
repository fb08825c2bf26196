"""Lead import: preview and mapping, the all-or-nothing run, de-duplication, merges, history and undo."""
