"""Team mode in the GUI: open a team database, log in, the connection banner."""
