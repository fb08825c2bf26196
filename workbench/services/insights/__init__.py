"""Insights: which leads become opportunities and deals, and what it takes.

One module per section (``conversion``, ``speed``, ``funnel``, ``activity``,
``pipeline``, ``quota``), each computing in SQL through one session; ``stats`` puts
them together as the one dict the GUI, the CLI and the benchmark share.
"""
