"""The demo workbench: realistic data for a first look, for screenshots and for benchmarks.

``small`` is one rep's year (about 20 target accounts, a few hundred leads, their
outreach and about 40 opportunities in every stage); ``large`` adds the mass of a
big file (100k accounts, 1M leads, 1M activities, 50k opportunities). The same seed
and anchor always give the same file.
"""

from workbench.services.demo.build import SIZES, DemoCancelled, DemoOptions, DemoSummary, build_demo
from workbench.services.demo.large_buffers import LargeSize

__all__ = ["SIZES", "DemoCancelled", "DemoOptions", "DemoSummary", "LargeSize", "build_demo"]
