"""What the Pipeline area shows: the opportunities table (paged SQL) and the board by stage.

**Stale** ("rotting", as Pipedrive calls it): an open opportunity with no touch for N
days in its stage — N is the stage's ``stale_days``, or the setting
``pipeline.stale_days`` when the stage has none. The clock starts at the later of its
last touch and its entry into the current stage, so a deal that just moved is fresh.
An open opportunity without a next step is flagged too; stale wins when both apply.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, case, func, literal, or_, select
from sqlmodel import Session, col
from sqlmodel import select as orm_select

from workbench.domain import Account, Contact, Opportunity, PipelineStage, StageChange, StageKind, table_of
from workbench.services.clock import Clock, system_clock
from workbench.services.pipeline.stages import NotFound, Stage, stages_in
from workbench.services.settings import values as settings
from workbench.services.tables import Column, ColumnKind, SqlTableSource, TableQuery
from workbench.store import Workbench

OC: Any = table_of(Opportunity).c
SC: Any = table_of(PipelineStage).c
AC: Any = table_of(Account).c

STYLE_STALE = "stale"
STYLE_NO_NEXT_STEP = "no-next-step"
STYLE_WON = "won"
STYLE_LOST = "lost"

#: The board shows at most this many cards per column; counts and totals cover all.
CARD_LIMIT = 200

_FROM = (
    table_of(Opportunity)
    .join(table_of(PipelineStage), OC.stage_id == SC.id)
    .outerjoin(table_of(Account), OC.account_id == AC.id)
)

_FROM_STAGES = table_of(Opportunity).join(table_of(PipelineStage), OC.stage_id == SC.id)

probability_expr: ColumnElement[Any] = func.coalesce(OC.probability, SC.probability)
#: When the stale clock started: the later of the last touch and entering the stage.
quiet_since: ColumnElement[Any] = case(
    (OC.last_touch_at > OC.stage_entered_at, OC.last_touch_at), else_=OC.stage_entered_at
)


def stale_condition(stages: Sequence[Stage], default_days: int, now: datetime) -> ColumnElement[bool]:
    """SQL: the opportunity (joined to nothing) is open and stale at ``now``."""
    cutoffs = [
        (OC.stage_id == s.id, literal(now - timedelta(days=s.stale_days or default_days), quiet_since.type))
        for s in stages
        if s.is_open
    ]
    if not cutoffs:
        return literal(False)
    cutoff = case(*cutoffs, else_=None)
    return and_(OC.outcome == "open", quiet_since < cutoff)


def stale_condition_for(session: Session, now: datetime) -> ColumnElement[bool]:
    days = int(settings.get(session, "pipeline.stale_days"))
    return stale_condition(stages_in(session), days, now)


def _no_next_step() -> ColumnElement[bool]:
    return and_(OC.outcome == "open", func.trim(OC.next_step) == "")


def _style(stale: ColumnElement[bool]) -> ColumnElement[Any]:
    return case(
        (OC.outcome == "won", literal(STYLE_WON)),
        (OC.outcome == "lost", literal(STYLE_LOST)),
        (stale, literal(STYLE_STALE)),
        (_no_next_step(), literal(STYLE_NO_NEXT_STEP)),
        else_=literal(""),
    )


def opportunity_columns() -> list[Column]:
    return [
        Column("name", "Opportunity", OC.name, width=200),
        Column("account", "Account", AC.name, width=160),
        Column("amount", "Amount", OC.amount, ColumnKind.MONEY, width=100),
        Column("currency", "Cur.", OC.currency, width=50),
        Column("stage", "Stage", SC.name, width=100),
        Column("probability", "Prob.", probability_expr, ColumnKind.PERCENT, width=60),
        Column("expected_close", "Expected close", OC.expected_close, ColumnKind.DATE, width=110),
        Column("next_step", "Next step", OC.next_step, width=180),
        Column("next_step_due", "Due", OC.next_step_due, ColumnKind.DATE, width=90),
        Column("last_touch", "Last touch", OC.last_touch_at, ColumnKind.DATETIME, width=130),
        Column("in_stage", "In stage", OC.stage_entered_at, ColumnKind.AGE, width=80),
        Column("kind", "Kind", OC.kind, width=70),
        Column("source", "Source", OC.source, width=110),
        Column("outcome", "Outcome", OC.outcome, width=70),
    ]


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def text_filter(dialect: str, text: str) -> ColumnElement[bool] | None:
    words = text.split()
    if not words:
        return None
    clauses = [or_(OC.name.ilike(_like(w), escape="\\"), AC.name.ilike(_like(w), escape="\\")) for w in words]
    return and_(*clauses)


def chip_filter(chips: Mapping[str, Any]) -> Sequence[ColumnElement[bool]]:
    """``outcome``: "open" / "won" / "lost" (absent: all); ``stage_id``: one stage."""
    clauses: list[ColumnElement[bool]] = []
    outcome = chips.get("outcome")
    if outcome:
        clauses.append(OC.outcome == str(outcome))
    if chips.get("stage_id") is not None:
        clauses.append(OC.stage_id == int(chips["stage_id"]))
    return clauses


def _base(stmt: Select[Any]) -> Select[Any]:
    return stmt.select_from(_FROM).where(OC.deleted_at.is_(None))


class OpportunityTable(SqlTableSource):
    """The opportunities table. Staleness depends on "now": call :meth:`set_now` before a refresh."""

    def __init__(self, wb: Workbench, clock: Clock = system_clock) -> None:
        super().__init__(
            wb,
            id_column=OC.id,
            columns=opportunity_columns(),
            base=_base,
            text_filter=text_filter,
            chip_filter=chip_filter,
            default_sort=("expected_close", False),
        )
        self.clock = clock
        self.set_now()

    def set_now(self, now: datetime | None = None) -> None:
        with self.wb.reading() as session:
            self._style = _style(stale_condition_for(session, now or self.clock()))

    def count(self, query: TableQuery) -> int:
        """Without typed text the count needs no join: every opportunity has its stage
        (a required foreign key; stages are hidden, never deleted) and only the text
        filter reads the account. The joins cost ~4× on 50k deals (P3, no stalls)."""
        if query.text.strip():
            return super().count(query)
        stmt = select(func.count(OC.id)).where(OC.deleted_at.is_(None), *chip_filter(query.chips))
        with self.wb.engine.connect() as conn:
            return int(conn.execute(stmt).scalar_one())


def opportunity_table(wb: Workbench, clock: Clock = system_clock) -> OpportunityTable:
    return OpportunityTable(wb, clock)


def table_rows(wb: Workbench, query: TableQuery, clock: Clock = system_clock) -> list[dict[str, Any]]:
    """Every row of the table as dicts (for the CLI); fine for a rep's few thousand deals."""
    source = opportunity_table(wb, clock)
    total = source.count(query)
    keys = [c.key for c in source.columns]
    return [
        {"id": row[0], "style": row[1], **dict(zip(keys, row[2:], strict=True))}
        for row in source.fetch(query, 0, total)
    ]


# --- the board -------------------------------------------------------------------------
@dataclass(frozen=True)
class Card:
    id: int
    uuid: str
    name: str
    account: str
    amount: float
    currency: str
    probability: float
    expected_close: date | None
    next_step: str
    next_step_due: date | None
    last_touch_at: datetime | None
    stage_entered_at: datetime
    outcome: str
    stale: bool

    @property
    def no_next_step(self) -> bool:
        return self.outcome == "open" and not self.next_step.strip()


def _card(row: Sequence[Any]) -> Card:
    values = list(row)
    stale = bool(values.pop())
    return Card(*values, stale=stale)  # type: ignore[misc]


@dataclass(frozen=True)
class BoardColumn:
    stage: Stage
    count: int
    #: Sum of amounts per currency (a rep may sell in more than one).
    totals: dict[str, float] = field(default_factory=dict)
    weighted: dict[str, float] = field(default_factory=dict)
    cards: list[Card] = field(default_factory=list)
    stale: int = 0

    @property
    def hidden(self) -> int:
        """Cards counted but not loaded (past :data:`CARD_LIMIT`)."""
        return self.count - len(self.cards)


@dataclass(frozen=True)
class Board:
    columns: list[BoardColumn]
    closed_days: int
    now: datetime

    def column_of(self, stage_id: int) -> BoardColumn | None:
        return next((c for c in self.columns if c.stage.id == stage_id), None)


def board(
    wb: Workbench,
    *,
    text: str = "",
    clock: Clock = system_clock,
    card_limit: int = CARD_LIMIT,
) -> Board:
    """One column per live stage, in order: count, totals and the first cards.

    Open columns hold every open opportunity in that stage, soonest expected close
    first; won and lost columns hold what closed in the last
    ``pipeline.board_closed_days`` days, newest first.
    """
    now = clock()
    with wb.reading() as session:
        stages = stages_in(session)
        days = int(settings.get(session, "pipeline.stale_days"))
        closed_days = int(settings.get(session, "pipeline.board_closed_days"))
        stale = stale_condition(stages, days, now)
        since = now - timedelta(days=closed_days)
        where: list[ColumnElement[bool]] = [
            OC.deleted_at.is_(None),
            or_(OC.outcome == "open", OC.closed_at >= since),
        ]
        text_clause = text_filter(wb.dialect, text)
        if text_clause is not None:
            where.append(text_clause)
        conn = session.connection()
        agg = conn.execute(
            select(
                OC.stage_id,
                OC.currency,
                func.count(OC.id),
                func.coalesce(func.sum(OC.amount), 0.0),
                func.coalesce(func.sum(OC.amount * probability_expr), 0.0),
                func.sum(case((stale, 1), else_=0)),
            )
            # Without a text filter the account is not needed: skip its join.
            .select_from(_FROM if text_clause is not None else _FROM_STAGES)
            .where(*where)
            .group_by(OC.stage_id, OC.currency)
        ).all()
        counts: dict[int, int] = {}
        stale_counts: dict[int, int] = {}
        totals: dict[int, dict[str, float]] = {}
        weighted: dict[int, dict[str, float]] = {}
        for stage_id, currency, n, total, weight, n_stale in agg:
            counts[stage_id] = counts.get(stage_id, 0) + int(n)
            stale_counts[stage_id] = stale_counts.get(stage_id, 0) + int(n_stale or 0)
            totals.setdefault(stage_id, {})[currency] = float(total)
            weighted.setdefault(stage_id, {})[currency] = float(weight)
        columns = []
        for stage in stages:
            cards: list[Card] = []
            if counts.get(stage.id) and card_limit > 0:
                order = (
                    [OC.expected_close.is_(None), OC.expected_close, OC.amount.desc(), OC.id]
                    if stage.is_open
                    else [OC.closed_at.desc(), OC.id.desc()]
                )
                rows = conn.execute(
                    select(
                        OC.id,
                        OC.uuid,
                        OC.name,
                        func.coalesce(AC.name, ""),
                        OC.amount,
                        OC.currency,
                        probability_expr,
                        OC.expected_close,
                        OC.next_step,
                        OC.next_step_due,
                        OC.last_touch_at,
                        OC.stage_entered_at,
                        OC.outcome,
                        stale,
                    )
                    .select_from(_FROM)
                    .where(*where, OC.stage_id == stage.id)
                    .order_by(*order)
                    .limit(card_limit)
                ).all()
                cards = [_card(row) for row in rows]
            columns.append(
                BoardColumn(
                    stage,
                    counts.get(stage.id, 0),
                    totals.get(stage.id, {}),
                    weighted.get(stage.id, {}),
                    cards,
                    stale_counts.get(stage.id, 0),
                )
            )
    return Board(columns, closed_days, now)


@dataclass(frozen=True)
class PipelineSummary:
    """Open pipeline at a glance (CLI ``workbench pipeline``, Today, exports)."""

    board: Board
    open_count: int
    open_totals: dict[str, float]
    weighted_totals: dict[str, float]
    stale: int

    def as_dict(self) -> dict[str, Any]:
        return {
            "stages": [
                {
                    "id": c.stage.id,
                    "name": c.stage.name,
                    "kind": str(c.stage.kind),
                    "position": c.stage.position,
                    "probability": c.stage.probability,
                    "count": c.count,
                    "amount": c.totals,
                    "weighted": c.weighted,
                    "stale": c.stale,
                }
                for c in self.board.columns
            ],
            "open": {
                "count": self.open_count,
                "amount": self.open_totals,
                "weighted": self.weighted_totals,
                "stale": self.stale,
            },
            "closed_window_days": self.board.closed_days,
            "as_of": self.board.now.isoformat(),
        }


def _add(into: dict[str, float], values: Mapping[str, float]) -> None:
    for currency, amount in values.items():
        into[currency] = into.get(currency, 0.0) + amount


def summary(wb: Workbench, *, clock: Clock = system_clock) -> PipelineSummary:
    data = board(wb, clock=clock, card_limit=0)
    totals: dict[str, float] = {}
    weighted: dict[str, float] = {}
    count = stale = 0
    for column in data.columns:
        if column.stage.kind is StageKind.OPEN:
            count += column.count
            stale += column.stale
            _add(totals, column.totals)
            _add(weighted, column.weighted)
    return PipelineSummary(data, count, totals, weighted, stale)


# --- one opportunity ----------------------------------------------------------------------
@dataclass(frozen=True)
class HistoryRow:
    at: datetime
    from_stage: Stage | None
    to_stage: Stage
    note: str

    @property
    def is_reopen(self) -> bool:
        return self.from_stage is not None and not self.from_stage.is_open and self.to_stage.is_open


@dataclass(frozen=True)
class OpportunityDetail:
    opportunity: Opportunity
    stage: Stage
    account_name: str
    contact_name: str
    history: list[HistoryRow]
    stale: bool

    @property
    def probability(self) -> float:
        p = self.opportunity.probability
        return self.stage.probability if p is None else p


def detail(wb: Workbench, opportunity_id: int, *, clock: Clock = system_clock) -> OpportunityDetail:
    """Everything the detail panel shows about one live opportunity."""
    with wb.reading() as session:
        opp = session.get(Opportunity, opportunity_id)
        if opp is None or opp.deleted_at is not None:
            raise NotFound("That opportunity no longer exists (it may be in the trash).")
        stages = {s.id: s for s in stages_in(session, include_deleted=True)}
        account = session.get(Account, opp.account_id) if opp.account_id else None
        contact = session.get(Contact, opp.contact_id) if opp.contact_id else None
        changes = session.exec(
            orm_select(StageChange)
            .where(StageChange.opportunity_id == opportunity_id)
            .order_by(col(StageChange.at), col(StageChange.id))
        ).all()
        history = [
            HistoryRow(
                c.at,
                stages.get(c.from_stage_id) if c.from_stage_id is not None else None,
                stages[c.to_stage_id],
                c.note,
            )
            for c in changes
        ]
        days = int(settings.get(session, "pipeline.stale_days"))
        stale = bool(
            session.connection()
            .execute(
                select(stale_condition(list(stages.values()), days, clock()))
                .select_from(table_of(Opportunity))
                .where(OC.id == opportunity_id)
            )
            .scalar()
        )
    return OpportunityDetail(
        opp,
        stages[opp.stage_id],
        account.name if account else "",
        contact.name if contact else "",
        history,
        stale,
    )
