"""Team mode: members and roles, push and pull of a rep's rows, shared templates."""
