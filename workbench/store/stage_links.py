"""The stage history's derived links: each ``stage_change`` row's ``next_stage_id`` and
``seconds_in_stage``, read from the row that follows it in the opportunity's history
(ordered by ``at``, then ``id``); both are None on an opportunity's latest row.

The funnel counts the ways out of a stage and the median stay through indexes on these
two columns; pairing each row with the next one at read time (a window function over
the whole history, then a sort to group) was most of the Insights area's time (P5).

Whatever writes the history keeps them true:

* ORM writes (a stage move, a new opportunity, hand-built test data) through the
  session hook below, which relinks the opportunities whose rows a flush added,
  changed or deleted — in the same transaction;
* bulk writes through Core (the demo builders, team push and pull, the schema
  migration) call :func:`relink` themselves when they are done.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import Connection, Integer, cast, event, func, select, update
from sqlalchemy.orm import Session as OrmSession
from sqlalchemy.orm import UOWTransaction

from workbench.domain import StageChange, table_of
from workbench.store.sql_functions import epoch_seconds

SC_T = table_of(StageChange)
SC: Any = SC_T.c
#: Opportunities relinked per statement (keeps the IN list under every driver's limit).
CHUNK = 500


def _relink_statement(opportunity_ids: list[int] | None) -> Any:
    window = {"partition_by": SC.opportunity_id, "order_by": (SC.at, SC.id)}
    links = select(
        SC.id.label("row_id"),
        func.lead(SC.to_stage_id).over(**window).label("next_stage"),
        func.round(func.lead(epoch_seconds(SC.at)).over(**window) - epoch_seconds(SC.at)).label("stay"),
    )
    if opportunity_ids is not None:
        links = links.where(SC.opportunity_id.in_(opportunity_ids))
    sub = links.subquery("links")
    return (
        update(SC_T)
        .where(SC.id == sub.c.row_id)
        .values(next_stage_id=sub.c.next_stage, seconds_in_stage=cast(sub.c.stay, Integer))
    )


def relink(conn: Connection, opportunity_ids: Iterable[int] | None = None) -> None:
    """Recompute the links of these opportunities' histories (None: of every one), in
    the caller's transaction."""
    if opportunity_ids is None:
        conn.execute(_relink_statement(None))
        return
    ids = sorted(set(opportunity_ids))
    for start in range(0, len(ids), CHUNK):
        conn.execute(_relink_statement(ids[start : start + CHUNK]))


def _touched_opportunities(session: OrmSession) -> set[int]:
    touched: set[int] = set()
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, StageChange) and obj.opportunity_id is not None:
            touched.add(int(obj.opportunity_id))
    return touched


@event.listens_for(OrmSession, "after_flush")
def _relink_after_flush(session: OrmSession, _flush: UOWTransaction) -> None:
    touched = _touched_opportunities(session)
    if touched:
        relink(session.connection(), touched)
