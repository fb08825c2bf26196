"""Outreach: logging touches, next-step rules, follow-ups, timelines, Today, touch columns."""
