"""Prospecting Workbench: a sales rep's own prospecting, in one local file."""

__version__ = "0.1.0"
