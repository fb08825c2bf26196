"""What a brand-new workbench starts with: pipeline stages, lead sources, ICP criteria."""

from __future__ import annotations

from sqlmodel import Session, select

from workbench.domain import IcpCriterion, LeadSource, PipelineStage
from workbench.domain.enums import DEFAULT_SOURCES, DEFAULT_STAGES
from workbench.store import Workbench

DEFAULT_ICP_CRITERIA: tuple[tuple[str, float], ...] = (
    ("500–5,000 employees", 3.0),
    ("In our regions", 2.0),
    ("Uses a competitor or a spreadsheet today", 2.0),
    ("Hiring sales reps (growing team)", 1.0),
    ("Recent funding or leadership change", 1.0),
)


def seed_defaults(wb: Workbench) -> None:
    with wb.session() as session:
        seed_into(session)


def seed_into(session: Session) -> None:
    if session.exec(select(PipelineStage)).first() is None:
        for position, (name, probability, kind) in enumerate(DEFAULT_STAGES):
            session.add(PipelineStage(name=name, position=position, probability=probability, kind=kind))
    if session.exec(select(LeadSource)).first() is None:
        for position, name in enumerate(DEFAULT_SOURCES):
            session.add(LeadSource(name=name, position=position))
    if session.exec(select(IcpCriterion)).first() is None:
        for position, (name, weight) in enumerate(DEFAULT_ICP_CRITERIA):
            session.add(IcpCriterion(name=name, weight=weight, position=position))
