"""Global search: one ranked list of records (leads, contacts, accounts, opportunities)
and commands ("log call", "new lead", "export pipeline"…) for what the rep typed.

Records come from :class:`~workbench.services.search.lookup.Lookup` (P4: its keystroke stays
within 30 ms on a million leads). Commands are a few dozen menu entries, ranked here
with rapidfuzz against their title, their menu and a few words a rep might type
instead ("call" finds *Quick log*). Both kinds of score are on rapidfuzz's 0–100
scale, so one sort puts "log call" first for "log ca" and Ana López first for "ana".

No Qt here: the dialog hands in plain :class:`Command` rows, so the benchmark and the
unit tests rank exactly what the window ranks.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from rapidfuzz import fuzz

from workbench.services.search.lookup import Lookup, Match, fold, query_words, tie_count

#: A command must score at least this to be listed for typed text.
COMMAND_CUTOFF = 62.0
#: At most this many commands in one result list (records fill the rest).
MAX_COMMANDS = 5
#: A typed text starting with this lists commands only (as in many editors' palettes).
COMMANDS_ONLY_PREFIX = ">"


@dataclass(frozen=True)
class Command:
    """One thing the rep can run: ``key`` identifies it for the caller (a menu action's
    position, or a name for commands that are no menu action)."""

    key: str
    title: str
    path: str = ""
    shortcut: str = ""
    keywords: str = ""
    #: Listed when nothing is typed yet (the frequent ones).
    suggested: bool = False

    @property
    def haystack(self) -> str:
        return fold(f"{self.title} {self.keywords}")


@dataclass(frozen=True)
class Hit:
    """One line of the result list: a record or a command."""

    score: float
    record: Match | None = None
    command: Command | None = None

    @property
    def is_command(self) -> bool:
        return self.command is not None


@dataclass
class CommandIndex:
    """The commands, folded once (typing re-ranks them on every keystroke)."""

    commands: Sequence[Command]
    _folded: list[tuple[Command, str, set[str], list[str]]] = field(default_factory=list, init=False)

    def __post_init__(self) -> None:
        self._folded = [
            (c, c.haystack, set(query_words(c.title)), query_words(f"{c.title} {c.keywords} {c.path}"))
            for c in self.commands
        ]

    def rank(self, text: str, limit: int = MAX_COMMANDS) -> list[Hit]:
        """Commands matching ``text``, best first; the suggested ones when it is empty."""
        words = query_words(text)
        if not words:
            return [Hit(0.0, command=c) for c in self.commands if c.suggested][:limit]
        query = " ".join(words)
        hits = []
        for command, haystack, title_words, tokens in self._folded:
            score = _command_score(query, words, haystack, title_words, tokens)
            if score >= COMMAND_CUTOFF:
                hits.append(Hit(round(score, 1), command=command))
        hits.sort(key=lambda h: -h.score)
        return hits[:limit]


def _command_score(
    query: str, words: list[str], haystack: str, title_words: set[str], tokens: list[str]
) -> float:
    """0–100. Typed words that are whole words of the command ("log call", "export")
    beat any record (a record's name *starting* with the word scores 98): the rep
    typed a command. Words that are all word starts ("exp pip") come next; anything
    else is rapidfuzz's forgiving comparison, for typos and other orders."""
    token_set = set(tokens)
    if all(w in token_set for w in words):
        in_title = sum(1 for w in words if w in title_words)
        return 96.0 + 4.0 * in_title / len(words)
    prefixes = sum(1 for w in words if any(t.startswith(w) for t in tokens))
    if prefixes == len(words):
        return 88.0 + min(sum(len(w) for w in words), 8)
    base = float(fuzz.token_set_ratio(query, haystack)) * 0.9
    base = max(base, float(fuzz.partial_ratio(query, haystack)) * 0.85 if len(query) >= 4 else 0.0)
    # A word of the query that matches nothing at all counts against the command.
    return base - 6.0 * (len(words) - prefixes)


def search_everything(
    lookup: Lookup | None,
    commands: CommandIndex,
    text: str,
    limit: int = 12,
    *,
    wait: bool = True,
) -> list[Hit]:
    """Records and commands for ``text``, best first (at most ``limit``).

    ``>`` in front lists commands only. Records need two typed characters (see
    :meth:`Lookup.search`); a command can match one.
    """
    stripped = text.strip()
    if stripped.startswith(COMMANDS_ONLY_PREFIX):
        return commands.rank(stripped[len(COMMANDS_ONLY_PREFIX) :], limit)
    if not stripped:
        return commands.rank("", limit)
    command_hits = commands.rank(stripped)
    records: list[Match] = lookup.search(stripped, limit, wait=wait) if lookup is not None else []
    hits = command_hits + [Hit(m.score, record=m) for m in records]
    # Stable: at equal scores, commands (listed first) stay before records.
    hits.sort(key=lambda h: -h.score)
    return hits[:limit]


def record_tie(hits: Sequence[Hit]) -> int:
    """How many records share the first line's score when the first line is a record (0
    when no two do): Enter must not open one of two "Daniel Lee" by list order. A command
    on top is what was typed ("log call"), so Enter runs it."""
    if not hits or hits[0].record is None:
        return 0
    return tie_count([h.record for h in hits if h.record is not None])
