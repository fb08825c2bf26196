"""Generated pipeline files for the rollup benchmark (P7): realistic shapes, no database needed.

Each file is one rep's export with N leads, opportunities and activities, written by
the app's own streaming writer, so the rollup reads exactly what reps would send.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from workbench.exchange.pipeline_file import FileMeta, StageInfo, Summary, table
from workbench.exchange.pipeline_file.writer_json import JsonPipelineWriter
from workbench.exchange.pipeline_file.writer_xlsx import XlsxPipelineWriter

NOW = datetime(2026, 3, 2, 9, tzinfo=UTC)
STAGES = [
    StageInfo("Discovery", 0, 0.1, "open"),
    StageInfo("Qualified", 1, 0.25, "open"),
    StageInfo("Solution", 2, 0.4, "open"),
    StageInfo("Proposal", 3, 0.6, "open"),
    StageInfo("Negotiation", 4, 0.8, "open"),
    StageInfo("Won", 5, 1.0, "won"),
    StageInfo("Lost", 6, 0.0, "lost"),
]
SOURCES = ["web form", "content download", "webinar", "trade show", "referral", "list", "cold", "other"]
KINDS = ["inbound", "inbound", "inbound", "target", "referral"]
STATUSES = ["new", "working", "nurture", "qualified", "disqualified", "converted"]
CHANNELS = ["call", "call", "email", "email", "meeting", "social", "note"]
OUTCOMES = ["connected", "left voicemail", "no answer", "replied", "meeting booked"]
FIRST = ["Ana", "Ben", "Chloé", "Dev", "Eli", "Fatima", "Goran", "Hana", "Ivo", "José", "Kai", "Lena"]
LAST = ["Müller", "Smith", "García", "Nowak", "Rossi", "Kim", "Okafor", "Dubois", "Silva", "Łukasz"]
COMPANIES = ["Northwind", "Contoso", "Fabrikam", "Tailspin", "Litware", "Adatum", "Proseware", "Woodgrove"]


def _id(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def _when(rng: random.Random, days_back: float) -> datetime:
    return (NOW - timedelta(seconds=rng.random() * days_back * 86400)).replace(microsecond=0)


def rows_for(seed: int, leads: int, opportunities: int, activities: int) -> dict[str, Iterator[list[Any]]]:
    rng = random.Random(seed)
    opp_ids = [_id(rng) for _ in range(opportunities)]
    lead_ids = [_id(rng) for _ in range(leads)]

    def opps() -> Iterator[list[Any]]:
        for i, oid in enumerate(opp_ids):
            stage = rng.choice(STAGES)
            outcome = stage.kind
            amount = float(rng.randrange(2, 200) * 500)
            created = _when(rng, 400)
            closed = _when(rng, 120) if outcome != "open" else None
            lead = lead_ids[i] if i < leads else None
            yield [
                oid,
                f"{rng.choice(COMPANIES)} {i} — {rng.randrange(5, 80)} seats",
                f"{rng.choice(COMPANIES)} {i}",
                None,
                f"{rng.choice(FIRST)} {rng.choice(LAST)}",
                stage.name,
                outcome,
                amount,
                "USD",
                stage.probability,
                amount * stage.probability,
                (NOW + timedelta(days=rng.randrange(-30, 120))).date(),
                "Send proposal" if rng.random() < 0.7 else "",
                None,
                rng.random() < 0.2,
                _when(rng, 60),
                created + timedelta(days=3),
                created,
                closed,
                "price" if outcome == "lost" else "",
                "lost" if outcome == "lost" else "",
                rng.choice(KINDS),
                rng.choice(SOURCES),
                "",
                lead,
                created - timedelta(days=2),
            ]

    def lead_rows() -> Iterator[list[Any]]:
        for i, lid in enumerate(lead_ids):
            received = _when(rng, 365)
            touched = rng.random() < 0.8
            speed = rng.random() * 72 if touched else None
            first = received + timedelta(hours=speed) if speed is not None else None
            name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
            company = f"{rng.choice(COMPANIES)} {i % 900}"
            yield [
                lid,
                received,
                name,
                company,
                "Head of Sales",
                f"lead{i}@example{i % 900}.com",
                f"+49 30 {rng.randrange(1000000, 9999999)}",
                rng.choice(KINDS),
                rng.choice(SOURCES),
                f"Campaign {i % 12}",
                rng.choice(STATUSES),
                "",
                None,
                rng.randrange(0, 6),
                company,
                first,
                speed,
                first,
                None,
                opp_ids[i] if i < opportunities else None,
            ]

    def activity_rows() -> Iterator[list[Any]]:
        for i in range(activities):
            yield [
                _id(rng),
                _when(rng, 90),
                rng.choice(CHANNELS),
                rng.choice(OUTCOMES),
                rng.choice([None, 5, 15, 30]),
                f"{rng.choice(FIRST)} {rng.choice(LAST)}",
                f"{rng.choice(COMPANIES)} {i % 900}",
                "",
                "Talked about the pilot; call back next week.",
                lead_ids[i % leads] if leads else None,
                None,
            ]

    def targets() -> Iterator[list[Any]]:
        for i in range(20):
            yield [
                _id(rng),
                f"{COMPANIES[i % len(COMPANIES)]} Target {i}",
                f"target{i}.example",
                "Software",
                1200,
                "EMEA",
                "A",
                "engaged",
                7.0,
                "Growing team, spreadsheets today",
                3,
                1,
                _when(rng, 200),
                None,
                None,
            ]

    def follow_ups() -> Iterator[list[Any]]:
        for _ in range(200):
            yield [_id(rng), _when(rng, 30), "Call back", "Someone", "", "", None, False, None, None]

    return {
        "opportunities": opps(),
        "leads": lead_rows(),
        "activities": activity_rows(),
        "targets": targets(),
        "follow_ups": follow_ups(),
    }


def write_file(
    path: Path, seed: int, *, leads: int = 10_000, opportunities: int = 2_000, activities: int = 20_000
) -> Path:
    meta = FileMeta(
        rep=f"Rep {seed:03d}",
        exported_at=NOW,
        app_version="bench",
        period_from=date(2025, 12, 2),
        period_to=NOW.date(),
        currency="USD",
        stale_days=21,
        stages=STAGES,
    )
    writer: XlsxPipelineWriter | JsonPipelineWriter = (
        XlsxPipelineWriter(path) if path.suffix == ".xlsx" else JsonPipelineWriter(path)
    )
    writer.write_summary(meta, Summary())
    for key, rows in rows_for(seed, leads, opportunities, activities).items():
        meta.row_counts[key] = writer.write_table(table(key), rows)
    writer.close(meta)
    return path
