"""Global search ranking without Qt: commands by their words, records through the
lookup, one list ordered by score."""

from __future__ import annotations

from workbench.domain import Account, Lead
from workbench.services.search.global_search import Command, CommandIndex, search_everything
from workbench.services.search.lookup import Lookup
from workbench.store import Workbench

COMMANDS = CommandIndex(
    [
        Command("log:call", "Log a call", "Outreach", "", "call phone rang quick log touch", suggested=True),
        Command("menu:1", "Quick log", "Outreach", "Ctrl+L", "log call email meeting touch", suggested=True),
        Command("menu:2", "New lead", "Leads", "Ctrl+N", "add create person", suggested=True),
        Command("menu:3", "Import leads", "File", "Ctrl+I", "csv xlsx excel file"),
        Command("menu:4", "Export pipeline", "File", "Ctrl+E", "xlsx json share manager"),
        Command("menu:5", "Back up now", "File", "Ctrl+Shift+B", "backup save copy"),
        Command("menu:6", "Backups", "File", "", "restore backup copies"),
        Command("menu:7", "Settings", "File", "Ctrl+,", "preferences goals stages"),
    ]
)


def _titles(text: str) -> list[str]:
    return [h.command.title for h in COMMANDS.rank(text) if h.command is not None]


def test_commands_rank_by_their_words_prefixes_and_typos() -> None:
    assert _titles("log call")[0] == "Log a call"
    assert _titles("log ca")[:2] == ["Log a call", "Quick log"]
    assert _titles("new lead") == ["New lead"]
    assert _titles("exp pip") == ["Export pipeline"]
    assert _titles("import")[0] == "Import leads"
    assert _titles("back up")[0] == "Back up now"
    assert _titles("restore") == ["Backups"]
    assert _titles("preferences") == ["Settings"]
    assert _titles("exprot pipeline")[0] == "Export pipeline"  # a typo still finds it
    assert _titles("zebra crossing") == []
    # Nothing typed: the frequent ones, in their order.
    assert _titles("") == ["Log a call", "Quick log", "New lead"]


def test_records_and_commands_share_one_ranking(wb: Workbench) -> None:
    with wb.session() as s:
        s.add_all(
            [
                Lead(name="Ana López", company="Globex", email="ana@globex.com"),
                Lead(name="Logan Callahan", company="Initech"),
                Account(name="Exportadora del Sur"),
            ]
        )
    lookup = Lookup(wb)
    hits = search_everything(lookup, COMMANDS, "ana")
    assert hits[0].record is not None and hits[0].record.name == "Ana López"
    assert not any(h.is_command for h in hits)
    hits = search_everything(lookup, COMMANDS, "log call")
    assert hits[0].command is not None and hits[0].command.title == "Log a call"
    assert any(h.record is not None and h.record.name == "Logan Callahan" for h in hits)
    hits = search_everything(lookup, COMMANDS, "export")
    assert hits[0].command is not None and hits[0].command.title == "Export pipeline"
    assert any(h.record is not None and h.record.name == "Exportadora del Sur" for h in hits)
    # ">" lists commands only; an empty box lists the suggested commands.
    assert all(h.is_command for h in search_everything(lookup, COMMANDS, ">lo"))
    assert [h.command.title for h in search_everything(lookup, COMMANDS, "  ") if h.command] == [
        "Log a call",
        "Quick log",
        "New lead",
    ]
    # Scores never increase down the list.
    scores = [h.score for h in search_everything(lookup, COMMANDS, "ana lo")]
    assert scores == sorted(scores, reverse=True)
    lookup.close()


def test_without_a_workbench_only_commands_are_searched() -> None:
    hits = search_everything(None, COMMANDS, "settings")
    assert [h.command.title for h in hits if h.command] == ["Settings"]


def test_two_records_of_one_name_tie_a_command_on_top_does_not(wb: Workbench) -> None:
    """Issue 22: Enter must not open one of two "Daniel Lee" by list order."""
    from workbench.services.search.global_search import record_tie

    with wb.session() as s:
        s.add_all([Lead(name="Daniel Lee", company="Acme"), Lead(name="Daniel Lee", company="Hooli")])
    lookup = Lookup(wb)
    hits = search_everything(lookup, COMMANDS, "daniel lee")
    assert [h.record.company for h in hits[:2] if h.record is not None] == ["Hooli", "Acme"]
    assert record_tie(hits) == 2
    assert record_tie(search_everything(lookup, COMMANDS, "daniel lee acme")) == 0
    assert record_tie(search_everything(lookup, COMMANDS, "log call")) == 0  # a command on top runs
