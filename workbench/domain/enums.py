"""Closed vocabularies of the product, stored as plain strings so SQL stays portable.

Every enum is a ``StrEnum`` so a value compares equal to the text kept in the file,
and exports carry readable words instead of numbers.
"""

from __future__ import annotations

from enum import StrEnum


class LeadKind(StrEnum):
    INBOUND = "inbound"
    TARGET = "target"
    REFERRAL = "referral"


#: The kinds of lead whose arrival a rep answers, so speed-to-lead measures them; a
#: rep-sourced target (a cold or list lead) has no arrival to be quick about.
SPEED_TO_LEAD_KINDS: frozenset[str] = frozenset({LeadKind.INBOUND.value, LeadKind.REFERRAL.value})


class LeadStatus(StrEnum):
    NEW = "new"
    WORKING = "working"
    NURTURE = "nurture"
    QUALIFIED = "qualified"
    DISQUALIFIED = "disqualified"
    CONVERTED = "converted"


class DisqualifyReason(StrEnum):
    STUDENT = "student"
    WRONG_MARKET = "wrong market"
    EXISTING_CUSTOMER = "existing customer"
    DUPLICATE = "duplicate"
    NO_BUDGET = "no budget"
    NO_RESPONSE = "no response"
    OTHER = "other"


class Answer(StrEnum):
    """One qualification answer: the rep knows yes, knows no, or does not know yet."""

    YES = "yes"
    NO = "no"
    UNKNOWN = "unknown"


class CheckState(StrEnum):
    """One ICP criterion on one account."""

    MET = "met"
    NOT_MET = "not met"
    UNKNOWN = "unknown"


class Tier(StrEnum):
    A = "A"
    B = "B"
    C = "C"


class AccountStatus(StrEnum):
    RESEARCHING = "researching"
    CONTACTED = "contacted"
    ENGAGED = "engaged"
    OPPORTUNITY = "opportunity"
    PARKED = "parked"


class BuyingRole(StrEnum):
    DECISION_MAKER = "decision maker"
    CHAMPION = "champion"
    INFLUENCER = "influencer"
    USER = "user"
    GATEKEEPER = "gatekeeper"
    UNKNOWN = "unknown"


class Channel(StrEnum):
    CALL = "call"
    EMAIL = "email"
    MEETING = "meeting"
    SOCIAL = "social"
    NOTE = "note"


class Outcome(StrEnum):
    CONNECTED = "connected"
    VOICEMAIL = "left voicemail"
    NO_ANSWER = "no answer"
    REPLIED = "replied"
    MEETING_BOOKED = "meeting booked"
    NOT_INTERESTED = "not interested"
    BOUNCED = "bounced"
    WRONG_PERSON = "wrong person"


class StepChannel(StrEnum):
    """How a sequence step is done; a *task* step is logged as a note."""

    CALL = "call"
    EMAIL = "email"
    SOCIAL = "social"
    TASK = "task"


class EnrolmentState(StrEnum):
    ACTIVE = "active"
    PAUSED = "paused"
    #: Every step done (or skipped).
    FINISHED = "finished"
    #: Ended early, with a reason (an outcome, disqualified, converted, won, lost, by hand).
    STOPPED = "stopped"


class StopReason(StrEnum):
    REPLIED = "replied"
    MEETING_BOOKED = "meeting booked"
    NOT_INTERESTED = "not interested"
    BOUNCED = "bounced"
    WRONG_PERSON = "wrong person"
    DISQUALIFIED = "disqualified"
    CONVERTED = "converted"
    WON = "won"
    LOST = "lost"
    REPLACED = "replaced"
    SEQUENCE_DELETED = "sequence deleted"
    BY_HAND = "stopped by hand"


class StageKind(StrEnum):
    """Open stages move forward; WON and LOST close an opportunity."""

    OPEN = "open"
    WON = "won"
    LOST = "lost"


class OpportunityOutcome(StrEnum):
    OPEN = "open"
    WON = "won"
    LOST = "lost"


class CloseReason(StrEnum):
    PRICE = "price"
    COMPETITOR = "competitor"
    NO_BUDGET = "no budget"
    NO_DECISION = "no decision"
    TIMING = "timing"
    WENT_SILENT = "went silent"
    POOR_FIT = "poor fit"
    OTHER = "other"


class ImportStatus(StrEnum):
    DONE = "done"
    UNDONE = "undone"


DEFAULT_SOURCES: tuple[str, ...] = (
    "web form",
    "content download",
    "webinar",
    "trade show",
    "referral",
    "list",
    "cold",
    "other",
)

DEFAULT_STAGES: tuple[tuple[str, float, StageKind], ...] = (
    ("Discovery", 0.10, StageKind.OPEN),
    ("Qualified", 0.25, StageKind.OPEN),
    ("Solution", 0.40, StageKind.OPEN),
    ("Proposal", 0.60, StageKind.OPEN),
    ("Negotiation", 0.80, StageKind.OPEN),
    ("Won", 1.0, StageKind.WON),
    ("Lost", 0.0, StageKind.LOST),
)

#: The ICP checklist a new workbench starts with (name, weight).
DEFAULT_ICP_CRITERIA: tuple[tuple[str, float], ...] = (
    ("500–5,000 employees", 3.0),
    ("In our regions", 2.0),
    ("Uses a competitor or a spreadsheet today", 2.0),
    ("Hiring sales reps (growing team)", 1.0),
    ("Recent funding or leadership change", 1.0),
)
