"""Global search (Ctrl+K): the box and the commands it offers."""
