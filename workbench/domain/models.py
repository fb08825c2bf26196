"""The tables of a workbench file, as SQLModel classes.

Conventions that every service relies on:

* ``id`` is the fast integer key used for joins inside one file; ``uuid`` is the
  stable identity that exports, rollups and team pushes use across files.
* datetimes are timezone-aware UTC (SQLModel refuses naive ones); the UI converts
  to local time for display. SQLite keeps them as sortable ISO text.
* ``deleted_at`` set means "in the trash": every list query filters it out, and a
  restore clears it (with the record's activities).
* Vocabulary columns hold the text of the enums in :mod:`workbench.domain.enums`.
* Denormalised touch columns (``first_touch_at``, ``last_touch_at``,
  ``next_followup_at``, ``speed_to_lead_s``) are kept current by the outreach
  service so that big tables can sort on them through an index.
"""

from __future__ import annotations

import uuid as _uuid
from datetime import UTC, date, datetime

from pydantic import ConfigDict
from sqlalchemy import Index, Table, UniqueConstraint, text
from sqlmodel import Field, SQLModel


def new_uuid() -> str:
    return str(_uuid.uuid4())


def utcnow() -> datetime:
    """Now, timezone-aware in UTC: the form every datetime column stores."""
    return datetime.now(UTC)


def table_of(model: type[SQLModel]) -> Table:
    """The Core ``Table`` of a model, for bulk inserts and SQL that the ORM would slow down."""
    table = model.__table__  # type: ignore[attr-defined]
    assert isinstance(table, Table)
    return table


class Stored(SQLModel):
    """The base of every table model.

    Table models are built from rows by SQLAlchemy and never validated by pydantic, so
    pydantic's validator for each is built only if ever asked for (``defer_build``):
    building all of them at import cost a third of this module's share of the app's
    cold start (P2)."""

    model_config = ConfigDict(defer_build=True)  # type: ignore[assignment]


class Record(Stored):
    """Columns shared by every user-visible record."""

    id: int | None = Field(default=None, primary_key=True)
    uuid: str = Field(default_factory=new_uuid, max_length=36, unique=True, index=True)
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    deleted_at: datetime | None = Field(default=None, index=True)


class Owned(Record):
    """Records that belong to one rep (team mode guards them by owner)."""

    owner: str = Field(default="", max_length=120, index=True)


class Setting(Stored, table=True):
    """One configuration value, JSON-encoded, so a rep's setup travels with the file."""

    key: str = Field(primary_key=True, max_length=120)
    value: str = Field(default="null")


class LeadSource(Stored, table=True):
    __tablename__ = "lead_source"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=120, unique=True)
    position: int = 0
    active: bool = True


class IcpCriterion(Record, table=True):
    __tablename__ = "icp_criterion"

    name: str = Field(max_length=200)
    description: str = ""
    weight: float = 1.0
    position: int = 0


class Account(Owned, table=True):
    # An account's industry read by id without its wide row (conversion by industry
    # looks up the account of every converted lead).
    __table_args__ = (Index("ix_account_id_industry", "id", "industry"),)

    name: str = Field(max_length=300, index=True)
    name_norm: str = Field(default="", max_length=300, index=True)
    domain: str = Field(default="", max_length=253, index=True)
    website: str = ""
    industry: str = Field(default="", max_length=120, index=True)
    employees: int | None = None
    region: str = Field(default="", max_length=120)
    is_target: bool = Field(default=False, index=True)
    #: Team mode: teammates may read (not change) this account.
    shared: bool = False
    tier: str | None = Field(default=None, max_length=1)
    status: str = Field(default="researching", max_length=20, index=True)
    park_reason: str = ""
    pain_hypothesis: str = ""
    notes: str = ""
    fit_score: float | None = None
    target_since: datetime | None = None
    last_touch_at: datetime | None = Field(default=None, index=True)
    next_followup_at: datetime | None = None


class AccountCheck(Stored, table=True):
    """One ICP criterion judged on one account, with the evidence behind it."""

    __tablename__ = "account_check"
    __table_args__ = (UniqueConstraint("account_id", "criterion_id"),)

    id: int | None = Field(default=None, primary_key=True)
    account_id: int = Field(foreign_key="account.id", index=True, ondelete="CASCADE")
    criterion_id: int = Field(foreign_key="icp_criterion.id", index=True, ondelete="CASCADE")
    state: str = Field(default="unknown", max_length=10)
    evidence: str = ""
    updated_at: datetime = Field(default_factory=utcnow)


class AccountEvent(Stored, table=True):
    """History of a target account: promoted, demoted, parked, status changes."""

    __tablename__ = "account_event"

    id: int | None = Field(default=None, primary_key=True)
    uuid: str = Field(default_factory=new_uuid, max_length=36, unique=True)
    account_id: int = Field(foreign_key="account.id", index=True, ondelete="CASCADE")
    at: datetime = Field(default_factory=utcnow)
    what: str = Field(max_length=40)
    old: str = ""
    new: str = ""
    reason: str = ""


class Contact(Owned, table=True):
    account_id: int | None = Field(default=None, foreign_key="account.id", index=True)
    first_name: str = ""
    last_name: str = ""
    name: str = Field(default="", max_length=300, index=True)
    title: str = ""
    # The unit within the account (a vCard's ORG:IBM;Accounting → "Accounting").
    department: str = Field(default="", max_length=200, sa_column_kwargs={"server_default": ""})
    buying_role: str = Field(default="unknown", max_length=20)
    email: str = ""
    email_norm: str = Field(default="", max_length=320, index=True)
    phone: str = ""
    phone_e164: str = Field(default="", max_length=32)
    linkedin_url: str = ""
    notes: str = ""
    # The lead this contact was created from. No foreign key: lead already points to
    # contact, and a cycle of constraints would make table order undefined.
    origin_lead_id: int | None = None
    last_touch_at: datetime | None = None


class ImportBatch(Stored, table=True):
    """One import of one file: what came in, and enough to undo it whole."""

    __tablename__ = "import_batch"

    id: int | None = Field(default=None, primary_key=True)
    uuid: str = Field(default_factory=new_uuid, max_length=36, unique=True)
    file_name: str = ""
    file_hash: str = Field(default="", max_length=64, index=True)
    file_size: int = 0
    started_at: datetime = Field(default_factory=utcnow)
    finished_at: datetime | None = None
    rows: int = 0
    inserted: int = 0
    merged: int = 0
    skipped: int = 0
    rejected: int = 0
    status: str = Field(default="done", max_length=10)
    undone_at: datetime | None = None
    options: str = "{}"


class ImportMerge(Stored, table=True):
    """The fields an import filled on an existing lead, so undo can empty them again."""

    __tablename__ = "import_merge"

    id: int | None = Field(default=None, primary_key=True)
    batch_id: int = Field(foreign_key="import_batch.id", index=True, ondelete="CASCADE")
    lead_id: int = Field(foreign_key="lead.id", index=True, ondelete="CASCADE")
    before_json: str = "{}"


class Lead(Owned, table=True):
    # The leads table's chips count and page through these on a million rows. Each
    # starts with the chip's column and deleted_at (every list hides the trash), then
    # received_at (the default order); the status one also holds what the stale,
    # untouched and revisit chips test, so their counts never read the table itself.
    __table_args__ = (
        Index(
            "ix_lead_status_live",
            "status",
            "deleted_at",
            "received_at",
            "last_touch_at",
            "status_changed_at",
            "nurture_until",
            "kind",
            "source",
        ),
        Index("ix_lead_kind_live", "kind", "deleted_at", "received_at", "source"),
        # Today counts the nurture revisits due (thousands on a big file) from here alone.
        Index("ix_lead_revisit", "nurture_until", "status", "deleted_at"),
        Index("ix_lead_source_live", "source", "deleted_at", "received_at"),
        # The trash only: a plain index on deleted_at made SQLite's planner (with sampled
        # statistics) take "deleted_at IS NULL" for a selective filter and sort a million
        # rows for every page instead of walking the sort column's index.
        # Partial indexes name their WHERE for SQLite only: the migration gives them the
        # same WHERE on PostgreSQL, and a postgresql_where here would import the whole
        # PostgreSQL dialect at every start of the desktop app.
        Index(
            "ix_lead_trashed",
            "deleted_at",
            sqlite_where=text("deleted_at IS NOT NULL"),
        ),
        # Insights count a received-date cohort of live leads by kind × source × campaign
        # (one ordered walk), by the account's industry, and take speed-to-lead medians
        # per source by walking speed_to_lead_s in order (LIMIT/OFFSET); the converted
        # leads (a few percent) have a small partial index holding all they are grouped
        # by. Each is answered from one of these, never from the table.
        Index("ix_lead_cohort", "kind", "source", "campaign", "deleted_at", "received_at"),
        Index("ix_lead_account_live", "account_id", "deleted_at", "received_at"),
        Index("ix_lead_source_speed", "source", "deleted_at", "speed_to_lead_s", "received_at"),
        Index(
            "ix_lead_converted",
            "opportunity_id",
            "deleted_at",
            "received_at",
            "kind",
            "source",
            "campaign",
            "account_id",
            "speed_to_lead_s",
            sqlite_where=text("opportunity_id IS NOT NULL"),
        ),
    )

    # No plain index (see ix_lead_trashed); live leads are found through the *_live indexes.
    deleted_at: datetime | None = Field(default=None)
    first_name: str = ""
    last_name: str = ""
    name: str = Field(default="", max_length=300, index=True)
    company: str = Field(default="", max_length=300, index=True)
    company_norm: str = Field(default="", max_length=300, index=True)
    title: str = Field(default="", max_length=300, index=True)
    email: str = ""
    email_norm: str = Field(default="", max_length=320, index=True)
    email_domain: str = Field(default="", max_length=253, index=True)
    phone: str = ""
    phone_e164: str = Field(default="", max_length=32, index=True)
    kind: str = Field(default="inbound", max_length=10)
    source: str = Field(default="", max_length=120)
    campaign: str = Field(default="", max_length=200, index=True)
    received_at: datetime = Field(default_factory=utcnow, index=True)
    status: str = Field(default="new", max_length=20)
    status_changed_at: datetime | None = None
    disqualify_reason: str = Field(default="", max_length=40)
    disqualify_note: str = ""
    nurture_until: date | None = Field(default=None, index=True)
    q_budget: str = Field(default="unknown", max_length=10)
    q_budget_note: str = ""
    q_authority: str = Field(default="unknown", max_length=10)
    q_authority_note: str = ""
    q_need: str = Field(default="unknown", max_length=10)
    q_need_note: str = ""
    q_timeline: str = Field(default="unknown", max_length=10)
    q_timeline_note: str = ""
    q_asked: str = Field(default="unknown", max_length=10)
    q_asked_note: str = ""
    notes: str = ""
    account_id: int | None = Field(default=None, foreign_key="account.id", index=True)
    contact_id: int | None = Field(default=None, foreign_key="contact.id")
    opportunity_id: int | None = Field(default=None, foreign_key="opportunity.id")
    import_batch_id: int | None = Field(default=None, foreign_key="import_batch.id", index=True)
    first_touch_at: datetime | None = Field(default=None, index=True)
    last_touch_at: datetime | None = Field(default=None, index=True)
    next_followup_at: datetime | None = Field(default=None, index=True)
    speed_to_lead_s: int | None = Field(default=None, index=True)


class PipelineStage(Record, table=True):
    __tablename__ = "pipeline_stage"

    name: str = Field(max_length=120)
    position: int = 0
    probability: float = 0.0
    kind: str = Field(default="open", max_length=10)
    stale_days: int | None = None


class Opportunity(Owned, table=True):
    # Conversion reads every live opportunity's origin lead and outcome from here alone;
    # Today finds the stale open deals (each stage's quiet threshold) from the second.
    __table_args__ = (
        Index("ix_opportunity_conversion", "deleted_at", "id", "origin_lead_id", "outcome"),
        Index(
            "ix_opportunity_open_quiet",
            "outcome",
            "deleted_at",
            "stage_id",
            "last_touch_at",
            "stage_entered_at",
        ),
    )

    name: str = Field(max_length=300, index=True)
    account_id: int | None = Field(default=None, foreign_key="account.id", index=True)
    contact_id: int | None = Field(default=None, foreign_key="contact.id")
    amount: float = 0.0
    currency: str = Field(default="USD", max_length=3)
    stage_id: int = Field(foreign_key="pipeline_stage.id", index=True)
    probability: float | None = None
    expected_close: date | None = Field(default=None, index=True)
    next_step: str = ""
    next_step_due: date | None = None
    outcome: str = Field(default="open", max_length=10, index=True)
    close_reason: str = Field(default="", max_length=40)
    close_note: str = ""
    #: The competitor a lost deal went to (from the rep's growing list); "" when none.
    lost_to: str = Field(default="", max_length=120, sa_column_kwargs={"server_default": ""})
    closed_at: datetime | None = None
    # The converted lead (no foreign key for the same reason as Contact.origin_lead_id).
    origin_lead_id: int | None = Field(default=None, index=True)
    kind: str = Field(default="inbound", max_length=10, index=True)
    source: str = Field(default="", max_length=120, index=True)
    campaign: str = Field(default="", max_length=200)
    lead_received_at: datetime | None = None
    stage_entered_at: datetime = Field(default_factory=utcnow)
    last_touch_at: datetime | None = Field(default=None, index=True)


class StageChange(Stored, table=True):
    """One move of one opportunity between stages; the funnel is computed from these."""

    __tablename__ = "stage_change"
    __table_args__ = (
        # An opportunity's history in (at, id) order; id is spelled out so the planner
        # sees the tie-break is there.
        Index("ix_stage_change_history", "opportunity_id", "at", "id", "from_stage_id", "to_stage_id"),
        # The funnel counts the ways out of each stage in one ordered walk (no sort)…
        Index("ix_stage_change_flow", "to_stage_id", "next_stage_id", "opportunity_id"),
        # …and finds the median stay of a stage by walking its stays in order.
        Index("ix_stage_change_stay", "to_stage_id", "seconds_in_stage", "opportunity_id", "at"),
        # …for the opportunities that entered the pipeline in a period (their first row).
        Index("ix_stage_change_entry", "from_stage_id", "at", "opportunity_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    uuid: str = Field(default_factory=new_uuid, max_length=36, unique=True)
    opportunity_id: int = Field(foreign_key="opportunity.id", index=True, ondelete="CASCADE")
    from_stage_id: int | None = Field(default=None, foreign_key="pipeline_stage.id")
    to_stage_id: int = Field(foreign_key="pipeline_stage.id", index=True)
    at: datetime = Field(default_factory=utcnow, index=True)
    note: str = ""
    # Where the opportunity went from here and how long it stayed: both None while this
    # is its latest row. Derived from the next row of the history, and kept so by
    # :mod:`workbench.store.stage_links` whatever writes the history, so that the funnel
    # reads them from an index instead of pairing rows with a window function. (No
    # foreign key: it copies the next row's to_stage_id, which has one.)
    next_stage_id: int | None = None
    seconds_in_stage: int | None = None


class Activity(Owned, table=True):
    __table_args__ = (
        Index("ix_activity_lead_at", "lead_id", "at"),
        Index("ix_activity_account_at", "account_id", "at"),
        # Insights count touches, connected calls and meetings booked per period and per week.
        Index("ix_activity_channel_live", "channel", "outcome", "deleted_at", "at"),
    )

    channel: str = Field(max_length=10, index=True)
    outcome: str = Field(default="", max_length=20, index=True)
    at: datetime = Field(default_factory=utcnow, index=True)
    duration_min: int | None = None
    note: str = ""
    lead_id: int | None = Field(default=None, foreign_key="lead.id")
    contact_id: int | None = Field(default=None, foreign_key="contact.id", index=True)
    account_id: int | None = Field(default=None, foreign_key="account.id")
    opportunity_id: int | None = Field(default=None, foreign_key="opportunity.id", index=True)


class FollowUp(Owned, table=True):
    __tablename__ = "follow_up"
    # Today and the calendar export read the open follow-ups by due date: one range here
    # (the single-column done_at/deleted_at indexes make SQLite walk every open one).
    __table_args__ = (Index("ix_follow_up_open", "done_at", "deleted_at", "due_at"),)

    title: str = ""
    due_at: datetime = Field(index=True)
    done_at: datetime | None = Field(default=None, index=True)
    lead_id: int | None = Field(default=None, foreign_key="lead.id", index=True)
    contact_id: int | None = Field(default=None, foreign_key="contact.id", index=True)
    account_id: int | None = Field(default=None, foreign_key="account.id", index=True)
    opportunity_id: int | None = Field(default=None, foreign_key="opportunity.id", index=True)
    activity_id: int | None = Field(default=None, foreign_key="activity.id")


class OutreachSequence(Record, table=True):
    """A named plan of touches (a *sequence*); shared by a team like the stages.

    ``retired_at`` set: no new enrolments, but its history (and live counts) stay.
    ``stop_outcomes`` is the JSON list of activity outcomes that end an enrolment."""

    __tablename__ = "outreach_sequence"

    name: str = Field(max_length=200, index=True)
    description: str = ""
    position: int = 0
    retired_at: datetime | None = None
    stop_outcomes: str = "[]"


class SequenceStep(Stored, table=True):
    """One step of a sequence, in ``position`` order; ``wait_days`` working days after
    the previous step (or after enrolment for the first)."""

    __tablename__ = "sequence_step"
    __table_args__ = (Index("ix_sequence_step_order", "sequence_id", "position"),)

    id: int | None = Field(default=None, primary_key=True)
    uuid: str = Field(default_factory=new_uuid, max_length=36, unique=True)
    sequence_id: int = Field(foreign_key="outreach_sequence.id", ondelete="CASCADE")
    position: int = 0
    channel: str = Field(default="call", max_length=10)
    wait_days: int = 0
    instructions: str = ""
    subject: str = ""
    body: str = ""


class Enrolment(Owned, table=True):
    """One person (a lead, or a contact) working through one sequence.

    ``step`` is the 0-based position of the next step to do; ``next_due_at`` its due
    moment (None once the enrolment is no longer active). At most one active or paused
    enrolment per person — the service keeps that."""

    __table_args__ = (
        # Today reads the due steps of active enrolments in due order.
        Index("ix_enrolment_due", "state", "deleted_at", "next_due_at"),
        Index("ix_enrolment_lead", "lead_id", "state"),
        Index("ix_enrolment_contact", "contact_id", "state"),
        Index("ix_enrolment_sequence", "sequence_id", "state"),
    )

    sequence_id: int = Field(foreign_key="outreach_sequence.id")
    lead_id: int | None = Field(default=None, foreign_key="lead.id")
    contact_id: int | None = Field(default=None, foreign_key="contact.id")
    account_id: int | None = Field(default=None, foreign_key="account.id", index=True)
    state: str = Field(default="active", max_length=10)
    step: int = 0
    steps_total: int = 0
    next_due_at: datetime | None = None
    enrolled_at: datetime = Field(default_factory=utcnow)
    paused_at: datetime | None = None
    ended_at: datetime | None = None
    #: Why it stopped (a :class:`~workbench.domain.enums.StopReason`); ``step`` then
    #: still counts the steps done, so "replied after step N" needs no other column.
    stop_reason: str = Field(default="", max_length=40)


class EnrolmentEvent(Stored, table=True):
    """History of an enrolment: enrolled, done, skipped, paused, resumed, stopped, finished."""

    __tablename__ = "enrolment_event"

    id: int | None = Field(default=None, primary_key=True)
    uuid: str = Field(default_factory=new_uuid, max_length=36, unique=True)
    enrolment_id: int = Field(foreign_key="enrolment.id", index=True, ondelete="CASCADE")
    at: datetime = Field(default_factory=utcnow)
    what: str = Field(max_length=20)
    step: int | None = None
    activity_id: int | None = Field(default=None, foreign_key="activity.id")
    note: str = ""


ALL_TABLES: tuple[type[SQLModel], ...] = (
    Setting,
    LeadSource,
    IcpCriterion,
    Account,
    AccountCheck,
    AccountEvent,
    Contact,
    ImportBatch,
    ImportMerge,
    Lead,
    PipelineStage,
    Opportunity,
    StageChange,
    Activity,
    FollowUp,
    OutreachSequence,
    SequenceStep,
    Enrolment,
    EnrolmentEvent,
)
