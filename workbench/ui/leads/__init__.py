"""The Leads area: table, chips, detail, triage dialogs, menu actions and undoable commands."""
