"""Company lists imported as accounts (issue 18): how a rep builds the target list from
a list they bought or exported.

One row is one company. Two rows, or a row and a stored account, are the same account
when their normalised domains are equal (the website's, by
:func:`~workbench.services.targets.accounts.normalise_domain`); else when their
normalised names are (:func:`~workbench.domain.normalize.company_norm`) and at most one
of them has a domain — two different domains are two accounts even under one name, and
a warning says so. A row that is an account already fills that account's empty fields
("merged") or changes nothing ("already present"); every row is counted and shown.

*Onto the target list*: a new account is a target from now (status researching, the
"promoted" event the Targets area writes); an account already present is promoted by
:func:`~workbench.services.targets.target_list.promote`, with its rules and history. The
list's goal is not a limit: the preview says how far over it the list would go. *As
other accounts*: new accounts are off the list, and an existing target stays one.

A new account, and one whose domain or name the import filled, links the unlinked leads
of its email domain or company name (the leads area's rule).

All of it runs in the import's one transaction (a dry run rolls it back). The batch's
``options`` record what :func:`undo_accounts` needs: the accounts it created, those it
promoted, the fields it filled and the leads it linked — undo removes exactly that.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import Connection, and_, delete, exists, func, insert, or_, select, update
from sqlmodel import Session

from workbench.domain import (
    Account,
    AccountCheck,
    AccountEvent,
    Activity,
    Contact,
    Enrolment,
    FollowUp,
    ImportBatch,
    Lead,
    Opportunity,
    new_uuid,
    table_of,
)
from workbench.domain.enums import AccountStatus, ImportStatus
from workbench.domain.normalize import company_norm, is_free_mail
from workbench.exchange.csv_safe import restore
from workbench.exchange.mapping import Field, preset_of
from workbench.exchange.readers import SourceRow
from workbench.services.clock import Clock
from workbench.services.imports.chunks import CHUNK_ROWS, in_chunks
from workbench.services.imports.file_preview import previous_import
from workbench.services.imports.options import (
    ImportAs,
    ImportCancelled,
    ImportOptions,
    ImportProgress,
    ImportResult,
    PreviewRow,
    ProgressFn,
    RowProblem,
)
from workbench.services.imports.rows import Unmapped
from workbench.services.outreach import touches
from workbench.services.settings import values as settings
from workbench.services.targets.accounts import AccountError, normalise_domain
from workbench.store import Workbench

MAX_PROBLEMS = 5000
SAMPLE_ROWS = 200
#: The account table's declared lengths.
MAX_LENGTHS = {"name": 300, "industry": 120, "region": 120}
#: The fields an import fills on an account that has them empty.
FILL_FIELDS = ("website", "domain", "industry", "employees", "region")
#: The key of the undo record in the batch's ``options``.
UNDO_KEY = "accounts"

_ACCOUNT = table_of(Account)
A: Any = _ACCOUNT.c
L: Any = table_of(Lead).c
_EVENT = table_of(AccountEvent)
_BATCH = table_of(ImportBatch)
_OWN = (Field.COMPANY, Field.WEBSITE, Field.INDUSTRY, Field.EMPLOYEES, Field.REGION, Field.COUNTRY)
_IN_CHUNK = 900
_COUNT = re.compile(r"^\d{1,3}(?:[,.' \u00a0\u2019]\d{3})+$|^\d+$")
_THOUSANDS = re.compile(r"^(\d+(?:[.,]\d+)?)\s*[kK]$")


class Company(NamedTuple):
    number: int
    #: Account columns; None when the row is rejected.
    values: dict[str, Any] | None
    problems: tuple[str, ...] = ()
    columns: tuple[str, ...] = ()


def employees_of(text: str) -> int | None:
    """``"3498"``, ``"1,200"``, ``"1.200"``, ``"5k"`` → a head count; None for a band
    such as ``"51-200"`` (kept in the notes as written)."""
    text = text.strip()
    if _COUNT.match(text):
        value = int(re.sub(r"\D", "", text))
    elif found := _THOUSANDS.match(text):
        value = int(float(found.group(1).replace(",", ".")) * 1000)
    else:
        return None
    return value if value <= 100_000_000 else None


class CompanyPreparer:
    """Turns the rows of a company list into account columns."""

    def __init__(self, headers: Sequence[str], mapping: Sequence[Field | None], unmapped: Unmapped) -> None:
        self.headers = list(headers)
        self.width = len(headers)
        self._col: dict[Field, int] = {}
        self._notes: list[int] = []
        #: Columns kept in the notes as "Header: value": unmapped ones (unless the rep
        #: said ignore) and those mapped to fields only a lead has (phone, source…).
        self._kept: list[int] = []
        for index in range(len(headers)):
            field = mapping[index] if index < len(mapping) else None
            if field is Field.IGNORE:
                continue
            if field is Field.NOTES:
                self._notes.append(index)
            elif field in _OWN and field not in self._col:
                self._col[field] = index
            elif field is not None or unmapped is Unmapped.NOTES:
                self._kept.append(index)

    def header(self, field: Field) -> str:
        index = self._col.get(field)
        return self.headers[index] if index is not None else ""

    def cell(self, values: Sequence[str], field: Field) -> str:
        index = self._col.get(field)
        return _clean(values[index]) if index is not None and index < len(values) else ""

    def prepare(self, row: SourceRow) -> Company:
        if row.error:
            return Company(row.number, None, (f"the row cannot be read: {row.error}",), ("",))
        values = row.values
        if len(values) > self.width and any(v.strip() for v in values[self.width :]):
            reason = (
                f"the row has {len(values)} values but the file has {self.width} columns (values shifted?)"
            )
            return Company(row.number, None, (reason,), ("",))
        name = " ".join(self.cell(values, Field.COMPANY).split())
        if not name:
            return Company(row.number, None, ("no company name",), (self.header(Field.COMPANY),))
        problems: list[str] = []
        where: list[str] = []
        if row.warning:
            problems.append(row.warning)
            where.append("")
        website = self.cell(values, Field.WEBSITE)
        domain = ""
        if website:
            try:
                domain = normalise_domain(website)
            except AccountError as exc:
                problems.append(f"website {website!r} kept as typed, no domain to match by: {exc}")
                where.append(self.header(Field.WEBSITE))
            if is_free_mail(domain):
                domain = ""  # gmail.com is nobody's company
        notes: list[str] = []
        for index in self._notes:
            if index < len(values) and (text := _clean(values[index])):
                notes.append(text)
        size_text = self.cell(values, Field.EMPLOYEES)
        employees = employees_of(size_text) if size_text else None
        if size_text and employees is None:
            notes.append(f"{self.header(Field.EMPLOYEES)}: {size_text}")
        region = self.cell(values, Field.REGION)
        country = self.cell(values, Field.COUNTRY)
        if region and country:
            notes.append(f"{self.header(Field.COUNTRY)}: {country}")
        region = region or country
        for index in self._kept:
            if index < len(values) and (text := _clean(values[index])):
                notes.append(f"{self.headers[index]}: {text}")
        industry = self.cell(values, Field.INDUSTRY)
        for label, text, field in (
            ("name", name, Field.COMPANY),
            ("industry", industry, Field.INDUSTRY),
            ("region", region, Field.REGION),
        ):
            if len(text) > MAX_LENGTHS[label]:
                problems.append(f"{label} cut to {MAX_LENGTHS[label]} characters")
                where.append(self.header(field) or self.header(Field.COUNTRY))
        name = name[: MAX_LENGTHS["name"]]
        account = {
            "name": name,
            "name_norm": company_norm(name),
            "domain": domain,
            "website": website,
            "industry": industry[: MAX_LENGTHS["industry"]],
            "employees": employees,
            "region": region[: MAX_LENGTHS["region"]],
            "notes": "\n".join(notes),
        }
        return Company(row.number, account, tuple(problems), tuple(where))


def _clean(text: str) -> str:
    if "\x00" in text:
        text = text.replace("\x00", "")
    text = text.strip()
    return restore(text) if text[:1] == "'" else text


def _chunks(values: Sequence[Any]) -> Iterator[list[Any]]:
    items = sorted(set(values))
    for start in range(0, len(items), _IN_CHUNK):
        yield items[start : start + _IN_CHUNK]


def active_targets(conn: Connection) -> int:
    stmt = select(func.count()).where(
        A.is_target, A.deleted_at.is_(None), A.status != AccountStatus.PARKED.value
    )
    return int(conn.execute(stmt).scalar_one())


class _Known(NamedTuple):
    id: int
    domain: str


class AccountRun:
    """One import of a company list (one transaction; a dry run rolls it back)."""

    def __init__(
        self,
        wb: Workbench,
        result: ImportResult,
        options: ImportOptions,
        preparer: CompanyPreparer,
        reject: Callable[[SourceRow, Company], None],
        collect: bool,
        clock: Clock,
    ) -> None:
        self.wb = wb
        self.result = result
        self.options = options
        self.preparer = preparer
        self._write_reject = reject
        self.collect = collect
        self.clock = clock
        self.now = clock()
        self.on_list = options.import_as is ImportAs.TARGETS
        self.batch_id = 0
        self.by_domain: dict[str, _Known | None] = {}
        self.by_name: dict[str, list[_Known]] = {}
        self.created: dict[int, int] = {}  # account id → the row that made it
        #: What undo needs (see the module's notes).
        self.promoted: list[dict[str, Any]] = []
        self.filled: dict[int, dict[str, dict[str, Any]]] = {}
        self.linked: list[tuple[int, int]] = []
        self.reason = f"imported from {result.file_name}"

    # --- driver ------------------------------------------------------------------------
    def execute(
        self,
        rows: Iterator[SourceRow],
        fraction: Callable[[], float],
        progress: ProgressFn | None,
        started: float,
    ) -> None:

        result = self.result
        result.target_goal = int(settings.read(self.wb, "targets.goal") or 0)
        with self.wb.engine.connect() as conn:
            tx = conn.begin()
            self.conn = conn
            self.session = Session(bind=conn)
            try:
                result.targets_before = result.targets_after = active_targets(conn)
                previous = previous_import(conn, result.file_hash)
                if previous is not None:
                    tx.rollback()
                    result.already_imported = result.batch_id = previous
                    self._count_only(rows)
                    return
                self._start_batch()
                for chunk in in_chunks(rows, CHUNK_ROWS):
                    self._chunk(chunk)
                    if len(chunk) == CHUNK_ROWS:  # the last, short one is reported as done below
                        self._report(progress, fraction(), started)
                self._report(progress, 1.0, started)
                self._finish_batch()
                result.targets_after = active_targets(conn)
                if self.options.dry_run:
                    tx.rollback()
                else:
                    tx.commit()
            except BaseException:
                tx.rollback()
                raise
            finally:
                self.session.close()
        result.batch_id = None if self.options.dry_run else self.batch_id

    def _count_only(self, rows: Iterator[SourceRow]) -> None:
        """A file imported before: count and check its rows, write nothing."""
        for row in rows:
            self.result.rows += 1
            prepared = self.preparer.prepare(row)
            if prepared.values is None:
                self._reject(row, prepared)
            else:
                self.result.skipped_duplicates += 1

    def _report(self, progress: ProgressFn | None, fraction: float, started: float) -> None:
        if progress is None:
            return
        r = self.result
        if not progress(ImportProgress(r.rows, fraction, r.inserted, time.monotonic() - started)):
            raise ImportCancelled("the import was cancelled; nothing was written")

    def _start_batch(self) -> None:
        result = self.result
        record = {
            "uuid": new_uuid(),
            "file_name": result.file_name,
            "file_hash": result.file_hash,
            "file_size": result.file_size,
            "started_at": self.now,
            "status": ImportStatus.DONE.value,
            "options": json.dumps(self._options(), ensure_ascii=False),
        }
        key = self.conn.execute(insert(_BATCH).values(**record)).inserted_primary_key
        assert key is not None
        self.batch_id = int(key[0])

    def _options(self) -> dict[str, Any]:
        result = self.result
        return {
            "as": self.options.import_as.value,
            "format": result.format.describe(),
            "mapping": preset_of(result.headers, result.mapping),
            "unmapped": self.options.unmapped.value,
        }

    def _finish_batch(self) -> None:
        result = self.result
        options = self._options()
        options[UNDO_KEY] = {
            "created": sorted(self.created),
            "promoted": self.promoted,
            "filled": [{"id": i, **record} for i, record in self.filled.items()],
            "linked": self.linked,
        }
        self.conn.execute(
            update(_BATCH)
            .where(_BATCH.c.id == self.batch_id)
            .values(
                finished_at=datetime.now(self.now.tzinfo),
                rows=result.rows,
                inserted=result.inserted,
                merged=result.merged,
                skipped=result.skipped_duplicates,
                rejected=result.rejected,
                options=json.dumps(options, ensure_ascii=False, default=str),
            )
        )

    # --- one chunk ---------------------------------------------------------------------
    def _prefetch(self, companies: Sequence[dict[str, Any]]) -> None:
        domains = [c["domain"] for c in companies if c["domain"] and c["domain"] not in self.by_domain]
        names = [c["name_norm"] for c in companies if c["name_norm"] and c["name_norm"] not in self.by_name]
        for part in _chunks(domains):
            for key in part:
                self.by_domain[key] = None
            stmt = select(A.domain, A.id).where(A.domain.in_(part), A.deleted_at.is_(None)).order_by(A.id)
            for domain, account_id in self.conn.execute(stmt):
                if self.by_domain.get(domain) is None:  # the oldest of several
                    self.by_domain[domain] = _Known(int(account_id), str(domain))
        for part in _chunks(names):
            for key in part:
                self.by_name[key] = []
            stmt = (
                select(A.name_norm, A.id, A.domain)
                .where(A.name_norm.in_(part), A.deleted_at.is_(None))
                .order_by(A.id)
            )
            for name, account_id, domain in self.conn.execute(stmt):
                self.by_name[str(name)].append(_Known(int(account_id), str(domain or "")))

    def _chunk(self, rows: list[SourceRow]) -> None:
        result = self.result
        prepared = [self.preparer.prepare(row) for row in rows]
        self._prefetch([p.values for p in prepared if p.values is not None])
        for row, p in zip(rows, prepared, strict=True):
            result.rows += 1
            if p.values is None:
                self._reject(row, p)
                continue
            problems = list(p.problems)
            columns = list(p.columns)
            match, reason, clash = self._match(p.values)
            if clash is not None:
                problems.append(
                    f"account {clash.id} has the same name but the domain {clash.domain}; "
                    "imported as another account"
                )
                columns.append(self.preparer.header(Field.COMPANY))
            if problems:
                result.warnings += 1
                self._problems(p.number, problems, columns)
            if match is None:
                account_id = self._create(p.values)
                self.created[account_id] = p.number
                result.inserted += 1
                note = "on the target list" if self.on_list else ""
                self._sample(p, "new account", note, problems)
                continue
            filled = self._fill(match.id, p.values)
            note = f"{reason}: {self._name_of(match.id)}"
            if filled:
                result.merged += 1
                outcome = "merge"
                note += f"; fills {', '.join(filled)}"
            else:
                result.skipped_duplicates += 1
                outcome = "duplicate"
            if self.on_list:
                note += "; " + self._promote(match.id)
            self._sample(p, outcome, note, problems)

    def _match(self, company: dict[str, Any]) -> tuple[_Known | None, str, _Known | None]:
        """The account this row is, why, and an account with its name but another domain."""
        domain, name = company["domain"], company["name_norm"]
        if domain:
            found = self.by_domain.get(domain)
            if found is not None:
                return found, "same domain", None
        clash: _Known | None = None
        for known in self.by_name.get(name, []) if name else []:
            if not known.domain or not domain:
                return known, "same name", None
            clash = clash or known
        return None, "", clash

    def _remember(self, known: _Known, name_norm: str) -> None:
        if known.domain:
            self.by_domain[known.domain] = known
        if name_norm:
            self.by_name.setdefault(name_norm, []).append(known)

    def _name_of(self, account_id: int) -> str:
        row = self.created.get(account_id)
        if row is not None:
            return f"row {row}"
        name = self.conn.execute(select(A.name).where(A.id == account_id)).scalar_one()
        return f"account {account_id} ({name})"

    def _create(self, company: dict[str, Any]) -> int:
        values = dict(
            company,
            uuid=new_uuid(),
            created_at=self.now,
            updated_at=self.now,
            is_target=self.on_list,
            status=AccountStatus.RESEARCHING.value,
            target_since=self.now if self.on_list else None,
        )
        key = self.conn.execute(insert(_ACCOUNT).values(**values)).inserted_primary_key
        assert key is not None
        account_id = int(key[0])
        if self.on_list:
            self.conn.execute(
                insert(_EVENT).values(
                    uuid=new_uuid(), account_id=account_id, at=self.now, what="promoted", reason=self.reason
                )
            )
        self._remember(_Known(account_id, company["domain"]), company["name_norm"])
        self._link(account_id, company["domain"], company["name_norm"], record=False)
        return account_id

    def _fill(self, account_id: int, company: dict[str, Any]) -> list[str]:
        """Fill the account's empty fields from the row; the names of those filled."""
        current = self.conn.execute(select(*(A[f] for f in FILL_FIELDS)).where(A.id == account_id)).one()
        changes = {
            name: company[name]
            for name, value in zip(FILL_FIELDS, current, strict=True)
            if value in (None, "") and company[name] not in (None, "")
        }
        if not changes:
            return []
        self.conn.execute(update(_ACCOUNT).where(A.id == account_id).values(**changes, updated_at=self.now))
        if account_id not in self.created:
            record = self.filled.setdefault(account_id, {"before": {}, "after": {}})
            for name in changes:
                record["before"].setdefault(name, dict(zip(FILL_FIELDS, current, strict=True))[name])
                record["after"][name] = changes[name]
        if "domain" in changes:
            # Matched by name (a domain match has one): that name now has this domain.
            known = _Known(account_id, changes["domain"])
            entries = self.by_name.get(company["name_norm"], [])
            entries[:] = [known if e.id == account_id else e for e in entries]
            self._remember(known, "")
            self._link(account_id, changes["domain"], "", record=account_id not in self.created)
        return [name for name in changes if name != "domain"] or ["domain"]

    def _link(self, account_id: int, domain: str, name_norm: str, *, record: bool) -> None:
        """Link the unlinked live leads of the account's email domain or company name."""
        matches = []
        if domain and not is_free_mail(domain):
            matches.append(L.email_domain == domain)
        if name_norm:
            matches.append(L.company_norm == name_norm)
        if not matches:
            return
        where = and_(L.account_id.is_(None), L.deleted_at.is_(None), or_(*matches))
        ids = [int(i) for i in self.conn.execute(select(L.id).where(where)).scalars()]
        for part in _chunks(ids):
            self.conn.execute(update(table_of(Lead)).where(L.id.in_(part)).values(account_id=account_id))
        self.result.linked_leads += len(ids)
        if record:
            self.linked.extend((lead_id, account_id) for lead_id in ids)

    def _promote(self, account_id: int) -> str:
        """Put an account already present on the target list (the list's own rules)."""
        from workbench.services.targets import target_list

        before = self.conn.execute(
            select(A.is_target, A.target_since, A.status, A.park_reason, A.deleted_at).where(
                A.id == account_id
            )
        ).one()
        if before.is_target:
            parked = before.status == AccountStatus.PARKED.value
            return "on the target list already (parked)" if parked else "on the target list already"
        if not target_list.promote(self.session, account_id, reason=self.reason, clock=lambda: self.now):
            return "on the target list already"
        self.session.flush()
        self.session.expunge_all()
        if account_id not in self.created:
            event = self.conn.execute(
                select(func.max(_EVENT.c.id)).where(_EVENT.c.account_id == account_id)
            ).scalar_one()
            self.promoted.append(
                {
                    "id": account_id,
                    "target_since": before.target_since.isoformat() if before.target_since else None,
                    "status": before.status,
                    "park_reason": before.park_reason,
                    "event": int(event) if event is not None else None,
                }
            )
            self.result.promoted += 1
        return "put on the target list"

    # --- what the preview shows ----------------------------------------------------------
    def _reject(self, row: SourceRow, p: Company) -> None:
        self.result.rejected += 1
        self._write_reject(row, p)
        self._problems(p.number, list(p.problems), list(p.columns), rejected=True)
        if self.collect and len(self.result.sample) < SAMPLE_ROWS:
            name = self.preparer.cell(row.values, Field.COMPANY)
            self.result.sample.append(
                PreviewRow(p.number, "rejected", name, "", "", None, "; ".join(p.problems))
            )

    def _problems(
        self, number: int, messages: list[str], columns: list[str], *, rejected: bool = False
    ) -> None:
        if not self.collect:
            return
        problems = self.result.problems
        for at, message in enumerate(messages):
            if len(problems) < MAX_PROBLEMS:
                problems.append(
                    RowProblem(number, message, rejected, columns[at] if at < len(columns) else "")
                )

    def _sample(self, p: Company, outcome: str, note: str, problems: list[str]) -> None:
        if not self.collect or len(self.result.sample) >= SAMPLE_ROWS or p.values is None:
            return
        text = "; ".join(part for part in (note, *problems) if part)
        # For an account the name column holds the account, the email column its domain.
        self.result.sample.append(
            PreviewRow(p.number, outcome, p.values["name"], "", p.values["domain"], None, text)
        )


# --- undo ------------------------------------------------------------------------------------
def _worked_on(account_id: Any) -> Any:
    """An account with history the rep would not want to lose."""
    c, o = table_of(Contact).c, table_of(Opportunity).c
    a, f, e = table_of(Activity).c, table_of(FollowUp).c, table_of(Enrolment).c
    k = table_of(AccountCheck).c
    return or_(
        exists().where(c.account_id == account_id),
        exists().where(o.account_id == account_id),
        exists().where(a.account_id == account_id),
        exists().where(f.account_id == account_id),
        exists().where(e.account_id == account_id),
        exists().where(k.account_id == account_id, k.state != "unknown"),
    )


def undo_accounts(conn: Connection, record: dict[str, Any], now: datetime) -> tuple[int, int, int, int]:
    """Undo what an account import recorded: (accounts deleted, accounts trashed, fields
    emptied again, accounts taken off the target list again)."""
    for lead_id, account_id in record.get("linked", []):
        conn.execute(
            update(table_of(Lead))
            .where(L.id == int(lead_id), L.account_id == int(account_id))
            .values(account_id=None)
        )
    restored = 0
    for fill in record.get("filled", []):
        current = conn.execute(select(_ACCOUNT).where(A.id == int(fill["id"]))).mappings().first()
        if current is None:
            continue
        after = fill.get("after", {})
        changes = {
            name: value
            for name, value in fill.get("before", {}).items()
            if name in after and name in FILL_FIELDS and _same(current[name], after[name])
        }
        if changes:
            conn.execute(update(_ACCOUNT).where(A.id == int(fill["id"])).values(**changes))
            restored += sum(1 for name in changes if name != "domain")
    demoted = 0
    for promotion in record.get("promoted", []):
        account_id = int(promotion["id"])
        since = promotion.get("target_since")
        moved = conn.execute(
            update(_ACCOUNT)
            .where(A.id == account_id, A.is_target)
            .values(
                is_target=False,
                target_since=datetime.fromisoformat(since) if since else None,
                status=promotion.get("status") or AccountStatus.RESEARCHING.value,
                park_reason=promotion.get("park_reason") or "",
            )
        ).rowcount
        demoted += int(moved or 0)
        if promotion.get("event") is not None:
            conn.execute(delete(_EVENT).where(_EVENT.c.id == int(promotion["event"])))
    created = [int(i) for i in record.get("created", [])]
    deleted = trashed = 0
    for part in _chunks(created):
        worked = {
            int(i) for i in conn.execute(select(A.id).where(A.id.in_(part), _worked_on(A.id))).scalars()
        }
        untouched = [i for i in part if i not in worked]
        if untouched:
            conn.execute(update(table_of(Lead)).where(L.account_id.in_(untouched)).values(account_id=None))
            k, e = table_of(AccountCheck), _EVENT
            conn.execute(delete(k).where(k.c.account_id.in_(untouched)))
            conn.execute(delete(e).where(e.c.account_id.in_(untouched)))
            deleted += int(conn.execute(delete(_ACCOUNT).where(A.id.in_(untouched))).rowcount or 0)
        live = [
            int(i)
            for i in conn.execute(
                select(A.id).where(A.id.in_(sorted(worked)), A.deleted_at.is_(None))
            ).scalars()
        ]
        if live:
            # Worked on since: to the trash with what hangs on it (restorable there).
            for table in (table_of(Activity), table_of(FollowUp), table_of(Contact)):
                conn.execute(
                    update(table)
                    .where(table.c.account_id.in_(live), table.c.deleted_at.is_(None))
                    .values(deleted_at=now)
                )
            conn.execute(update(_ACCOUNT).where(A.id.in_(live)).values(deleted_at=now))
            touches.recompute(conn, account_ids=live)
            trashed += len(live)
    return deleted, trashed, restored, demoted


def _same(stored: Any, written: Any) -> bool:
    return stored == written or (stored is not None and str(stored) == str(written))


__all__ = [
    "UNDO_KEY",
    "AccountRun",
    "Company",
    "CompanyPreparer",
    "active_targets",
    "employees_of",
    "undo_accounts",
]
