"""The Manager area: pipeline files in, reps and team, what changed, export actions."""
