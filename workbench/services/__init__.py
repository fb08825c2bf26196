"""Services: the use cases of the product. No Qt imports; one session per operation.

The GUI and the CLI call the same functions here.
"""
