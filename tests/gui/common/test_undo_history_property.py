"""The undo history, property-tested on a real workbench file: any sequence of 30–60
rep actions of every kind, pushed as the GUI pushes them (``undoable`` around the same
service calls), undone to the start leaves every table as it was, redone to the end
leaves it as it was then; a foreign write in the middle stops the undo there and
survives."""

from __future__ import annotations

import itertools
import tempfile
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from workbench.domain import Account, FollowUp, IcpCriterion, Lead, Opportunity, StageKind, table_of
from workbench.services.clock import fixed_clock
from workbench.services.leads import edit as leads
from workbench.services.leads import triage
from workbench.services.leads.edit import LeadFields
from workbench.services.outreach import log as outreach
from workbench.services.outreach.log import LogEntry
from workbench.services.pipeline import convert
from workbench.services.pipeline import stages as pipeline
from workbench.services.records import RecordKind, RecordRef
from workbench.services.safety import trash
from workbench.services.settings import reasons
from workbench.services.settings import values as settings_values
from workbench.services.targets import actions as target_actions
from workbench.store import Workbench, journal, open_workbench
from workbench.ui.common import undo as undo_module
from workbench.ui.common.context import AppContext
from workbench.ui.common.undo import undoable

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
_numbers = itertools.count()
#: No shrinking: every example is a real file and a minute of replays; a failure prints its plan.
PHASES = (Phase.explicit, Phase.reuse, Phase.generate)


def dump(wb: Workbench) -> dict[str, list[tuple[Any, ...]]]:
    """Every table, the write marker (bookkeeping) aside."""
    out: dict[str, list[tuple[Any, ...]]] = {}
    with wb.engine.connect() as conn:
        for name, table in journal._tables().items():
            rows = conn.execute(select(table).order_by(*table.primary_key.columns)).all()
            out[name] = [tuple(r) for r in rows if not (name == "setting" and r[0] == "store.write_marker")]
    return out


def ids(wb: Workbench, model: type, *where: Any) -> list[int]:
    table = table_of(model)
    with wb.engine.connect() as conn:
        return [int(i) for i in conn.execute(select(table.c.id).where(*where).order_by(table.c.id)).scalars()]


class Rep:
    """A rep's actions, each pushed as one undoable step, targets picked by ``n``."""

    def __init__(self, ctx: AppContext) -> None:
        self.ctx, self.wb = ctx, ctx.wb
        self.clock = fixed_clock(NOW)
        self.made = 0

    def pick(self, model: type, n: int, *where: Any) -> int | None:
        found = ids(self.wb, model, *where)
        return found[n % len(found)] if found else None

    def live(self, model: type) -> Any:
        return table_of(model).c.deleted_at.is_(None)

    # --- the actions ---------------------------------------------------------------------
    def new_lead(self, n: int) -> None:
        self.made += 1
        fields = LeadFields(name=f"Person {n % 97} {self.made}", company=f"Co {n % 5}", source="webinar")
        leads.create_lead(self.wb, fields, received_at=NOW, clock=self.clock)

    def triage(self, n: int) -> None:
        L = table_of(Lead).c
        lead = self.pick(Lead, n, self.live(Lead), L.status != "converted")
        if lead is None:
            return
        step = n % 4
        if step == 0:
            triage.mark_working(self.wb, [lead], clock=self.clock)
        elif step == 1:
            triage.qualify(self.wb, [lead], clock=self.clock)
        elif step == 2:
            triage.nurture(self.wb, [lead], until=(NOW + timedelta(days=30)).date(), clock=self.clock)
        else:
            triage.disqualify(self.wb, [lead], reasons.disqualify_reasons(self.wb)[0], clock=self.clock)

    def edit_lead(self, n: int) -> None:
        lead = self.pick(Lead, n, self.live(Lead))
        if lead is not None:
            fields = LeadFields(name=f"Edited {n % 89}", company=f"Co {n % 7}", source="cold", notes=f"n{n}")
            leads.update_lead(self.wb, lead, fields, clock=self.clock)

    def trash_lead(self, n: int) -> None:
        lead = self.pick(Lead, n, self.live(Lead), table_of(Lead).c.status != "converted")
        if lead is not None:
            trash.delete(self.wb, "lead", [lead], clock=self.clock)

    def convert(self, n: int) -> None:
        L = table_of(Lead).c
        lead = self.pick(Lead, n, self.live(Lead), L.status != "converted")
        if lead is not None:
            convert.convert_lead(self.wb, lead, amount=100 + n % 1000, next_step="Call", clock=self.clock)

    def move(self, n: int) -> None:
        opp = self.pick(Opportunity, n, self.live(Opportunity))
        if opp is None:
            return
        stages = pipeline.list_stages(self.wb)
        stage = stages[n % len(stages)]
        reason = reasons.close_reasons(self.wb)[0] if not stage.is_open else None
        pipeline.move_to_stage(self.wb, opp, stage.id, reason=reason, clock=self.clock)

    def close(self, n: int) -> None:
        """Won or lost as the dialog answers: work finished or kept, lost to a competitor."""
        opp = self.pick(Opportunity, n, self.live(Opportunity), table_of(Opportunity).c.outcome == "open")
        if opp is None:
            return
        won = n % 2 == 0
        pipeline.close(
            self.wb,
            opp,
            StageKind.WON if won else StageKind.LOST,
            (reasons.won_reasons if won else reasons.close_reasons)(self.wb)[0],
            finish_work=n % 3 != 0,
            lost_to="" if won else f"Rival {n % 3}",
            clock=self.clock,
        )

    def convert_into(self, n: int) -> None:
        """Join an open deal of the lead's account instead of a new one."""
        L = table_of(Lead).c
        lead = self.pick(Lead, n, self.live(Lead), L.status != "converted")
        if lead is None:
            return
        deals = convert.plan_conversion(self.wb, lead, clock=self.clock).open_deals
        if deals:
            convert.convert_lead(self.wb, lead, into=deals[n % len(deals)].id, clock=self.clock)

    def reopen(self, n: int) -> None:
        opp = self.pick(Opportunity, n, self.live(Opportunity))
        if opp is not None:
            pipeline.reopen(self.wb, opp, clock=self.clock)

    def edit_deal(self, n: int) -> None:
        opp = self.pick(Opportunity, n, self.live(Opportunity))
        if opp is not None:
            pipeline.update_opportunity(
                self.wb, opp, amount=float(n % 5000), next_step=f"Step {n % 13}", clock=self.clock
            )

    def log(self, n: int) -> None:
        lead = self.pick(Lead, n, self.live(Lead))
        target = RecordRef(RecordKind.LEAD, lead) if lead is not None else None
        due = NOW + timedelta(days=1 + n % 5) if n % 2 else None
        entry = LogEntry(
            channel="call",
            outcome="no answer",
            note=f"note {n}",
            target=target,
            next_title="Call again",
            next_due=due,
        )
        outreach.log_activity(self.wb, entry, now=NOW)

    def followup(self, n: int) -> None:
        F = table_of(FollowUp).c
        followup = self.pick(FollowUp, n, self.live(FollowUp))
        if followup is None:
            return
        step = n % 4
        if step == 0:
            if self.pick(FollowUp, n, self.live(FollowUp), F.done_at.is_(None)) == followup:
                outreach.complete_followup(self.wb, followup, now=NOW)
        elif step == 1 and self.pick(FollowUp, n, self.live(FollowUp), F.done_at.is_(None)) == followup:
            outreach.snooze_followup(self.wb, followup, now=NOW)
        elif step == 2:
            outreach.reschedule_followup(self.wb, followup, NOW + timedelta(days=n % 9 + 1), now=NOW)
        else:
            outreach.trash_followup(self.wb, followup, now=NOW)

    def account(self, n: int) -> None:
        account = self.pick(Account, n, self.live(Account))
        if account is None:
            return
        if n % 3 == 0:
            target_actions.set_tier(self.wb, account, "ABC"[n % 3], self.clock)
        elif n % 3 == 1:
            target_actions.set_notes(self.wb, account, notes=f"notes {n}")
        else:
            criterion = self.pick(IcpCriterion, n)
            if criterion is not None:
                target_actions.set_check(
                    self.wb, account, criterion, ("met", "not met", "unknown")[n % 3], "", self.clock
                )

    def settings_list(self, n: int) -> None:
        close = [*reasons.close_reasons(self.wb)[: 1 + n % 4], f"Reason {n % 11}"]
        settings_values.write_many(self.wb, {reasons.CLOSE_KEY: reasons.clean(close)})


ACTIONS: dict[str, Callable[[Rep, int], None]] = {
    name: getattr(Rep, name)
    for name in (
        "new_lead", "triage", "edit_lead", "trash_lead", "convert", "move", "reopen",
        "edit_deal", "log", "followup", "account", "settings_list", "close", "convert_into",
    )
}  # fmt: skip

steps = st.lists(st.tuples(st.sampled_from(sorted(ACTIONS)), st.integers(0, 10**6)), min_size=30, max_size=60)


@pytest.fixture
def fresh(qapp: Any) -> Iterator[Callable[[], AppContext]]:
    """A new real workbench file per example (hypothesis runs many in one test)."""
    opened: list[AppContext] = []
    with tempfile.TemporaryDirectory() as folder:

        def make() -> AppContext:
            wb = open_workbench(Path(folder) / f"wb{next(_numbers)}.db")
            ctx = AppContext(wb, fixed_clock(NOW))
            opened.append(ctx)
            rep = Rep(ctx)
            for n in range(4):  # something to act on from the first step
                rep.new_lead(n)
            return ctx

        yield make
        for ctx in opened:
            ctx.replace_workbench(None)


def run(rep: Rep, plan: list[tuple[str, int]], on_step: Callable[[int], None] | None = None) -> None:
    for index, (name, n) in enumerate(plan):
        try:
            with undoable(rep.ctx, f"{name} {n}"):
                ACTIONS[name](rep, n)
        except (ValueError, LookupError):
            pass  # refused by the service (a rule of the domain): nothing written, nothing pushed
        if on_step is not None:
            on_step(index)


@settings(
    max_examples=8, deadline=None, phases=PHASES, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(plan=steps)
def test_undo_all_then_redo_all_restores_every_table(
    fresh: Callable[[], AppContext], monkeypatch: pytest.MonkeyPatch, plan: list[tuple[str, int]]
) -> None:
    refused: list[str] = []
    monkeypatch.setattr(undo_module, "tell_refused", lambda title, text: refused.append(text))
    ctx = fresh()
    start = dump(ctx.wb)
    run(Rep(ctx), plan)
    end = dump(ctx.wb)
    stack = ctx.undo_stack
    while stack.canUndo():
        stack.undo()
    assert not refused
    assert dump(ctx.wb) == start
    while stack.canRedo():
        stack.redo()
    assert not refused
    assert dump(ctx.wb) == end


FOREIGN = {
    "lead": "notes",
    "opportunity": "next_step",
    "follow_up": "title",
    "account": "notes",
    "activity": "note",
}


@settings(
    max_examples=6, deadline=None, phases=PHASES, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(plan=steps)
def test_a_foreign_write_in_the_middle_stops_the_undo_and_survives(
    fresh: Callable[[], AppContext], monkeypatch: pytest.MonkeyPatch, plan: list[tuple[str, int]]
) -> None:
    refused: list[str] = []
    monkeypatch.setattr(undo_module, "tell_refused", lambda title, text: refused.append(text))
    ctx = fresh()
    injected: list[tuple[str, Any]] = []

    def inject(index: int) -> None:
        """From the middle on, after the first step that wrote a row another process could edit."""
        if injected or index < len(plan) // 2 or ctx.undo_stack.count() == 0:
            return
        command = ctx.undo_stack.command(ctx.undo_stack.index() - 1)
        changes = getattr(command, "changes", [])
        for change in reversed(changes):
            if change.table in FOREIGN and change.after is not None:
                table = journal._tables()[change.table]
                with ctx.wb.engine.begin() as conn:  # another window, the CLI, a team member
                    conn.execute(
                        table.update()
                        .where(table.c.id == change.key[0])
                        .values({FOREIGN[change.table]: "FOREIGN"})
                    )
                injected.append((change.table, change.key[0]))
                return

    run(Rep(ctx), plan, inject)
    if not injected:
        return  # no step after the middle wrote such a row (hypothesis tries others)
    name, row_id = injected[0]
    stack = ctx.undo_stack
    while stack.canUndo() and not refused:
        stack.undo()
    assert refused and "changed since" in refused[0]
    table = journal._tables()[name]
    with ctx.wb.engine.connect() as conn:
        value = conn.execute(select(table.c[FOREIGN[name]]).where(table.c.id == row_id)).scalar()
    assert value == "FOREIGN"
