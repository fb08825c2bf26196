"""The Pipeline area: table and board, deal detail, convert, close, stages, moves."""
