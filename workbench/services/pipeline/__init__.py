"""Pipeline: converting leads, stages and moves (won/lost/reopen), the board and deal details."""
