"""Leads: create and edit, the leads table, triage, qualification, duplicates, account links."""
