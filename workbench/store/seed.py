"""What a brand-new workbench starts with: pipeline stages, lead sources, ICP criteria.

The rows are the domain's defaults; the store writes them when it creates a file or a
team schema, so no caller can forget them."""

from __future__ import annotations

from sqlmodel import Session, select

from workbench.domain import IcpCriterion, LeadSource, PipelineStage
from workbench.domain.enums import DEFAULT_ICP_CRITERIA, DEFAULT_SOURCES, DEFAULT_STAGES


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
