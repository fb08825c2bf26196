"""Sequences in the app: the templates page, the enrol dialogs, the due steps on Today."""
