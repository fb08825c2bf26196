"""The setup a rep can change in Settings, as services: preferences checked before
writing, reason lists that never break stored values, lead sources with renames that
follow onto leads, and the team template's export → import round trip."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from workbench.domain import Lead, Opportunity, StageKind
from workbench.exchange.icp_template import TemplateCriterion, write_template
from workbench.exchange.team_template import TemplateError, read_team_template
from workbench.services.clock import fixed_clock
from workbench.services.leads import triage as lead_triage
from workbench.services.pipeline import stages as pipeline
from workbench.services.settings import lead_sources, preferences, reasons
from workbench.services.settings import values as settings
from workbench.services.targets import icp
from workbench.services.team import template as team_template
from workbench.store import Workbench, open_workbench

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
CLOCK = fixed_clock(NOW)


# --- preferences -----------------------------------------------------------------------------
def test_preferences_are_checked_then_written_together(wb: Workbench) -> None:
    values = preferences.read(wb)
    assert values["backup.keep_last"] == 10 and values[preferences.APPEARANCE_KEY] == "system"
    stored = preferences.save(
        wb,
        {
            "profile.rep_name": "  Dana   Reyes ",
            "profile.currency": "eur",
            "profile.phone_region": "de",
            "goals.touches_per_day": 25,
            "goals.touches_per_week": 120,
            preferences.APPEARANCE_KEY: "dark",
        },
    )
    assert stored["profile.rep_name"] == "Dana Reyes" and stored["profile.currency"] == "EUR"
    assert settings.read(wb, "profile.phone_region") == "DE"
    for bad in (
        {"goals.touches_per_day": 0},
        {"goals.touches_per_day": "many"},
        {"profile.currency": "EURO"},
        {"profile.phone_region": "XX"},
        {preferences.APPEARANCE_KEY: "purple"},
        {"goals.touches_per_day": 50, "goals.touches_per_week": 40},
        {"backup.keep_last": 30, "targets.goal": 9999},  # the good value is not written either
        {"no.such.key": 1},
    ):
        with pytest.raises(preferences.PreferenceError):
            preferences.save(wb, bad)
    assert settings.read(wb, "backup.keep_last") == 10
    assert settings.read(wb, "goals.touches_per_day") == 25


# --- reasons ---------------------------------------------------------------------------------
def test_reason_lists_are_configurable_and_stored_values_stay_valid(wb: Workbench) -> None:
    assert reasons.disqualify_reasons(wb)[:2] == ["student", "wrong market"]
    assert reasons.clean([" too small ", "Too Small", "other"]) == ["too small", "other"]
    with pytest.raises(reasons.ReasonError):
        reasons.clean(["", "  "])
    with pytest.raises(reasons.ReasonError):
        reasons.clean(["x" * 41])
    settings.write(wb, reasons.DISQUALIFY_KEY, ["too small", "student", "other"])
    with wb.session() as s:
        lead = Lead(name="Ana", company="Globex")
        s.add(lead)
        s.flush()
        assert lead.id is not None
        lead_id = lead.id
    lead_triage.disqualify(wb, [lead_id], "Too small", clock=CLOCK)  # the rep's own reason
    with wb.reading() as s:
        assert s.get(Lead, lead_id).disqualify_reason == "too small"  # type: ignore[union-attr]
    # A built-in reason taken off the list still works (the CLI, undo, old files).
    lead_triage.disqualify(wb, [lead_id], "wrong market", clock=CLOCK)
    with pytest.raises(lead_triage.TriageRefused):
        lead_triage.disqualify(wb, [lead_id], "made up", clock=CLOCK)
    with pytest.raises(lead_triage.TriageRefused):
        lead_triage.disqualify(wb, [lead_id], "other", clock=CLOCK)  # needs a note
    # A broken setting falls back to the built-in list instead of an empty picker.
    settings.write(wb, reasons.CLOSE_KEY, "not a list")
    assert reasons.close_reasons(wb)[0] == "price"


def test_own_close_reason_closes_a_deal(wb: Workbench) -> None:
    settings.write(wb, reasons.CLOSE_KEY, ["price", "bought in-house tool"])
    stage = pipeline.list_stages(wb)[0]
    with wb.session() as s:
        opp = Opportunity(name="Acme rollout", stage_id=stage.id, created_at=NOW)
        s.add(opp)
        s.flush()
        assert opp.id is not None
        opp_id = opp.id
    pipeline.close(
        wb, opp_id, StageKind.LOST, "Bought in-house tool", clock=CLOCK, closed_on=date(2026, 3, 2)
    )
    assert pipeline.get_opportunity(wb, opp_id).close_reason == "bought in-house tool"
    with pytest.raises(pipeline.ReasonRequired):
        pipeline.close(wb, opp_id, StageKind.WON, "luck", clock=CLOCK)


# --- lead sources ----------------------------------------------------------------------------
def test_sources_rename_follows_onto_leads_and_removed_ones_are_hidden(wb: Workbench) -> None:
    with wb.session() as s:
        s.add_all(
            [
                Lead(name="A", source="webinar"),
                Lead(name="B", source="webinar"),
                Lead(name="C", source="cold"),
            ]
        )
    rows = lead_sources.list_sources(wb)
    names = [r.name for r in rows]
    assert names[:3] == ["web form", "content download", "webinar"]
    edited = [
        lead_sources.SourceRow(r.id, "Webinars" if r.name == "webinar" else r.name, r.original)
        for r in rows
        if r.name != "cold"
    ]
    edited.insert(0, lead_sources.SourceRow(None, "Partner"))
    assert lead_sources.save_sources(wb, edited) == 2  # two leads renamed
    after = [r.name for r in lead_sources.list_sources(wb)]
    assert after[0] == "Partner" and "Webinars" in after and "cold" not in after
    assert lead_sources.count_using(wb, "Webinars") == 2
    assert lead_sources.count_using(wb, "cold") == 1  # hidden, never taken off the lead
    # Adding "cold" again brings the hidden one back rather than making a second one.
    lead_sources.save_sources(wb, [*lead_sources.list_sources(wb), lead_sources.SourceRow(None, "Cold")])
    assert "Cold" in [r.name for r in lead_sources.list_sources(wb)]
    # Swapping two names works; a name twice is refused with nothing written.
    a, b = lead_sources.list_sources(wb)[:2]
    lead_sources.save_sources(
        wb, [lead_sources.SourceRow(a.id, b.name, a.name), lead_sources.SourceRow(b.id, a.name, b.name)]
    )
    assert [r.name for r in lead_sources.list_sources(wb)] == [b.name, a.name]
    with pytest.raises(lead_sources.SourceError):
        lead_sources.save_sources(wb, [lead_sources.SourceRow(None, "X"), lead_sources.SourceRow(None, "x")])
    with pytest.raises(lead_sources.SourceError):
        lead_sources.save_sources(wb, [lead_sources.SourceRow(None, "   ")])
    assert [r.name for r in lead_sources.list_sources(wb)] == [b.name, a.name]


# --- team template ----------------------------------------------------------------------------
def _deal_in(wb: Workbench, stage_name: str) -> int:
    stage = pipeline.find_stage(wb, stage_name)
    with wb.session() as s:
        opp = Opportunity(name=f"Deal in {stage_name}", stage_id=stage.id, created_at=NOW)
        s.add(opp)
        s.flush()
        assert opp.id is not None
        return opp.id


def test_team_template_round_trip_between_two_workbenches(wb: Workbench, tmp_path: Path) -> None:
    # The manager's setup.
    with wb.session() as s:
        icp.save_criteria(
            s,
            [
                icp.CriterionEdit(None, "Series B or later", 3.0, "funding"),
                icp.CriterionEdit(None, "EU region", 1.0),
            ],
            CLOCK,
        )
    pipeline.add_stage(wb, "Security review", 0.7, stale_days=10, clock=CLOCK)
    pipeline.rename_stage(wb, pipeline.find_stage(wb, "Solution").id, "Demo", clock=CLOCK)
    lead_sources.save_sources(
        wb, [lead_sources.SourceRow(None, "Partner"), lead_sources.SourceRow(None, "webinar")]
    )
    settings.write(wb, reasons.CLOSE_KEY, ["price", "security"])
    path = tmp_path / "team.json"
    exported = team_template.export_file(wb, path)
    document = json.loads(path.read_text(encoding="utf-8"))
    assert document["format"] == "prospecting-workbench-team-template" and document["version"] == 1
    assert [c["name"] for c in document["criteria"]] == ["Series B or later", "EU region"]
    assert exported.sources == ["Partner", "webinar"]

    # A rep's workbench with a deal in a stage the template does not have.
    rep = open_workbench(tmp_path / "rep.db")
    try:
        with rep.session() as s:
            s.add(Lead(name="Kept", source="cold"))
        kept_deal = _deal_in(rep, "Solution")
        report = team_template.import_file(rep, path, clock=CLOCK)
        assert report.sections == [
            "criteria",
            "stages",
            "sources",
            "disqualify_reasons",
            "close_reasons",
            "sequences",
        ]
        assert report.kept_stages == ["Solution"]
        stages = [s.name for s in pipeline.list_stages(rep)]
        assert stages[-2:] == ["Won", "Lost"]
        assert "Security review" in stages and "Demo" in stages and "Solution" in stages
        assert pipeline.find_stage(rep, "Security review").stale_days == 10
        assert pipeline.get_opportunity(rep, kept_deal).stage_id == pipeline.find_stage(rep, "Solution").id
        with rep.reading() as s:
            assert [c.name for c in icp.list_criteria(s)] == ["Series B or later", "EU region"]
        assert [r.name for r in lead_sources.list_sources(rep)] == ["Partner", "webinar"]
        assert lead_sources.count_using(rep, "cold") == 1  # leads keep their source
        assert reasons.close_reasons(rep) == ["price", "security"]
        # Applying the same template again changes nothing more.
        again = team_template.import_file(rep, path, clock=CLOCK)
        assert again.kept_stages == ["Solution"]
        assert [s.name for s in pipeline.list_stages(rep)] == stages
        # The deal leaves Solution: the next import hides the stage.
        pipeline.move_to_stage(rep, kept_deal, pipeline.find_stage(rep, "Demo").id, clock=CLOCK)
        assert team_template.import_file(rep, path, clock=CLOCK).kept_stages == []
        assert "Solution" not in [s.name for s in pipeline.list_stages(rep)]
    finally:
        rep.close()


def test_criteria_matched_by_name_keep_account_checks(wb: Workbench, tmp_path: Path) -> None:
    with wb.reading() as s:
        before = {c.name: c.id for c in icp.list_criteria(s)}
    name = next(iter(before))
    write_template(
        tmp_path / "icp.json", [TemplateCriterion(name.upper(), 5.0), TemplateCriterion("New one", 1.0)]
    )
    template = read_team_template(tmp_path / "icp.json")  # an ICP template reads as criteria only
    assert template.sections == ["criteria"]
    team_template.apply_template(wb, template, clock=CLOCK)
    with wb.reading() as s:
        after = {c.name: c.id for c in icp.list_criteria(s)}
    assert after[name.upper()] == before[name]  # same criterion, renamed
    assert len(after) == 2


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ({"format": "something else"}, "not a team template"),
        ({"format": "prospecting-workbench-team-template", "version": 99, "sources": ["a"]}, "newer version"),
        ({"format": "prospecting-workbench-team-template", "version": 1}, "no criteria, stages or sources"),
        ({"format": "prospecting-workbench-team-template", "version": 1, "sources": [""]}, "Entry 1"),
        (
            {
                "format": "prospecting-workbench-team-template",
                "version": 1,
                "stages": [
                    {"name": "A", "probability": 0.2},
                    {"name": "Won", "probability": 1, "kind": "won"},
                ],
            },
            "at least one lost stage",
        ),
        (
            {
                "format": "prospecting-workbench-team-template",
                "version": 1,
                "stages": [{"name": "A", "probability": 2}],
            },
            "probability between 0 and 1",
        ),
        (
            {
                "format": "prospecting-workbench-team-template",
                "version": 1,
                "criteria": [{"name": "x", "weight": -1}],
            },
            "weight",
        ),
    ],
)
def test_bad_templates_are_refused_with_a_reason_and_nothing_changes(
    wb: Workbench, tmp_path: Path, document: object, message: str
) -> None:
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    before = team_template.current_template(wb)
    with pytest.raises(TemplateError, match=message):
        team_template.import_file(wb, path, clock=CLOCK)
    assert team_template.current_template(wb) == before


def test_unreadable_template_files(tmp_path: Path) -> None:
    binary = tmp_path / "photo.json"
    binary.write_bytes(b"\xff\xd8\xff\xe0 not json")
    with pytest.raises(TemplateError, match="not JSON"):
        read_team_template(binary)
    with pytest.raises(TemplateError, match="Cannot read"):
        read_team_template(tmp_path / "missing.json")
