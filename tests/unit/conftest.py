"""Fixtures the unit tests of one subject share."""

from __future__ import annotations

import pytest

from tests.support import insights_data as data
from workbench.store import Workbench


@pytest.fixture
def built(wb: Workbench) -> Workbench:
    """The hand-built Insights workbench of :mod:`tests.support.insights_data`."""
    data.build(wb)
    return wb
