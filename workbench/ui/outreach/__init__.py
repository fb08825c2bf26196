"""Outreach widgets: the quick log, activity editing, timelines, channel icons."""
