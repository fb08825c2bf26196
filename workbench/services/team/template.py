"""Export and import a team template (ICP criteria, stages, lead sources, reasons) —
the file format is :mod:`workbench.exchange.team_template`.

Applying a template is one transaction and keeps history intact:

* **criteria** are matched by name (any case), so accounts keep their checks on a
  criterion the template also has; the others are removed, new ones added;
* **stages** are matched by name as well: probabilities and stale days follow the
  template, new ones are added in the template's order, an open stage the template
  does not have is hidden when it is empty and *kept* (listed in the report) while
  deals are in it; the won and lost stages take the template's names. History rows
  point at stage ids, so nothing of the past moves;
* **sources** become the template's list (a source left out is hidden, never deleted;
  leads keep their text);
* **reasons** become the template's lists (stored values stay valid, see
  :mod:`workbench.services.settings.reasons`);
* **sequences** are matched by name: steps follow the template, new ones are added, one
  the template lacks is retired with its history (:mod:`workbench.services.sequences.sharing`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import func
from sqlmodel import Session, col, select

from workbench.domain import Opportunity, PipelineStage, StageKind
from workbench.exchange.icp_template import TemplateCriterion
from workbench.exchange.team_template import (
    TeamTemplate,
    TemplateError,
    TemplateStage,
    read_team_template,
    write_team_template,
)
from workbench.services.clock import Clock, system_clock
from workbench.services.pipeline import stages as pipeline
from workbench.services.sequences import sharing as sequence_sharing
from workbench.services.sequences.templates import SequenceError
from workbench.services.settings import lead_sources, reasons
from workbench.services.settings import values as settings
from workbench.services.targets import icp
from workbench.store import Workbench

__all__ = ["ApplyReport", "TemplateError", "apply_template", "current_template", "export_file", "import_file"]


@dataclass
class ApplyReport:
    sections: list[str] = field(default_factory=list)
    #: Open stages the template does not have but that still hold deals.
    kept_stages: list[str] = field(default_factory=list)


def current_template(wb: Workbench, *, with_reasons: bool = True) -> TeamTemplate:
    """This workbench's setup as a template."""
    with wb.reading() as session:
        criteria = [TemplateCriterion(c.name, c.weight, c.description) for c in icp.list_criteria(session)]
        stages = [
            TemplateStage(s.name, s.probability, s.kind.value, s.stale_days)
            for s in pipeline.stages_in(session)
        ]
        sources = [s.name for s in lead_sources.sources_in(session)]
        template = TeamTemplate(criteria=criteria or None, stages=stages, sources=sources or None)
        template.sequences = sequence_sharing.as_template(session) or None
        if with_reasons:
            template.disqualify_reasons = reasons.disqualify_reasons_in(session)
            template.close_reasons = reasons.close_reasons_in(session)
    return template


def export_file(wb: Workbench, path: Path, *, with_reasons: bool = True) -> TeamTemplate:
    template = current_template(wb, with_reasons=with_reasons)
    write_team_template(path, template)
    return template


def import_file(wb: Workbench, path: Path, *, clock: Clock = system_clock) -> ApplyReport:
    """Read and apply a template file; :class:`TemplateError` (nothing changed) when it is no good."""
    return apply_template(wb, read_team_template(path), clock=clock)


def apply_template(wb: Workbench, template: TeamTemplate, *, clock: Clock = system_clock) -> ApplyReport:
    report = ApplyReport(sections=template.sections)
    try:
        with wb.session() as session:
            if template.criteria is not None:
                _apply_criteria(session, template.criteria, clock)
            if template.stages is not None:
                report.kept_stages = _apply_stages(session, template.stages, clock)
            if template.sources is not None:
                _apply_sources(session, template.sources)
            if template.disqualify_reasons is not None:
                settings.put(session, reasons.DISQUALIFY_KEY, reasons.clean(template.disqualify_reasons))
            if template.close_reasons is not None:
                settings.put(session, reasons.CLOSE_KEY, reasons.clean(template.close_reasons))
            if template.sequences is not None:
                sequence_sharing.apply_in(session, template.sequences, now=clock())
    except (
        icp.IcpError,
        pipeline.PipelineError,
        lead_sources.SourceError,
        reasons.ReasonError,
        SequenceError,
    ) as exc:
        raise TemplateError(str(exc)) from exc
    return report


def _apply_criteria(session: Session, criteria: list[TemplateCriterion], clock: Clock) -> None:
    existing = {c.name.casefold(): c.id for c in icp.list_criteria(session)}
    rows = [
        icp.CriterionEdit(existing.pop(c.name.casefold(), None), c.name, c.weight, c.description)
        for c in criteria
    ]
    icp.save_criteria(session, rows, clock)


def _apply_sources(session: Session, names: list[str]) -> None:
    active = {s.name.casefold(): s for s in lead_sources.sources_in(session)}
    rows = []
    for name in names:
        known = active.get(name.casefold())
        # Same name in another case: a rename of that source (leads follow).
        rows.append(
            lead_sources.SourceRow(known.id, name, known.name)
            if known
            else lead_sources.SourceRow(None, name)
        )
    lead_sources.save_sources_in(session, rows)


def _apply_stages(session: Session, stages: list[TemplateStage], clock: Clock) -> list[str]:
    now = clock()
    live = list(
        session.exec(
            select(PipelineStage)
            .where(col(PipelineStage.deleted_at).is_(None))
            .order_by(col(PipelineStage.position), col(PipelineStage.id))
        )
    )
    by_name = {row.name.casefold(): row for row in live if row.kind == StageKind.OPEN}
    ordered: list[PipelineStage] = []
    used: set[int] = set()
    for stage in (s for s in stages if s.kind == StageKind.OPEN):
        row = by_name.get(stage.name.casefold())
        if row is None:
            row = PipelineStage(name=stage.name, kind=StageKind.OPEN, created_at=now)
        row.name = stage.name
        row.probability = stage.probability
        row.stale_days = stage.stale_days
        row.updated_at = now
        session.add(row)
        ordered.append(row)
        if row.id is not None:
            used.add(row.id)
    kept: list[str] = []
    for row in live:
        if row.kind != StageKind.OPEN or row.id in used:
            continue
        if _deals_in(session, row):
            kept.append(row.name)
            ordered.append(row)
        else:
            row.deleted_at = now
            row.updated_at = now
            session.add(row)
    for kind in (StageKind.WON, StageKind.LOST):
        wanted = next(s for s in stages if s.kind == kind)
        rows = [r for r in live if r.kind == kind]
        if rows:
            row = rows[0]
            ordered.extend(rows)
        else:  # a file without one (should not happen): give it the stage it needs
            row = PipelineStage(name=wanted.name, kind=kind, created_at=now)
            ordered.append(row)
        row.name = wanted.name
        row.probability = wanted.probability
        row.updated_at = now
        session.add(row)
    names = [r.name.casefold() for r in ordered]
    if len(set(names)) != len(names):
        raise pipeline.PipelineError("The template's stage names clash with stages that still hold deals.")
    for position, row in enumerate(ordered):
        row.position = position
        session.add(row)
    session.flush()
    return kept


def _deals_in(session: Session, row: PipelineStage) -> int:
    count = session.exec(
        select(func.count())
        .select_from(Opportunity)
        .where(Opportunity.stage_id == row.id, col(Opportunity.deleted_at).is_(None))
    ).one()
    return int(count)
