from __future__ import annotations

from datetime import UTC, datetime

from sqlmodel import select

from workbench.domain import Account, Contact, Lead, Opportunity, PipelineStage
from workbench.services.records import RecordKind, RecordRef
from workbench.services.search.lookup import Lookup
from workbench.store import Workbench
from workbench.store.memory_fts import MemoryFts

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def _fill(wb: Workbench) -> dict[str, int]:
    with wb.session() as s:
        acme = Account(name="Acme Robotics", domain="acme.io")
        mueller = Account(name="Müller Logistik GmbH")
        s.add_all([acme, mueller])
        s.flush()
        bo = Contact(
            name="Bo Schmidt", account_id=acme.id, email="bo.schmidt@acme.io", phone="+49 30 1234567"
        )
        ana = Lead(name="Ana López", company="Globex", email="ana@globex.com", phone="+1 415 555 0100")
        old = Lead(name="Ana Trashed", company="Gone", deleted_at=NOW)
        s.add_all([bo, ana, old])
        stage = PipelineStage(name="Discovery")
        s.add(stage)
        s.flush()
        assert stage.id is not None
        deal = Opportunity(name="Acme rollout", account_id=acme.id, stage_id=stage.id)
        s.add(deal)
        s.flush()
        assert acme.id and mueller.id and bo.id and ana.id and deal.id
        return {"acme": acme.id, "mueller": mueller.id, "bo": bo.id, "ana": ana.id, "deal": deal.id}


def _refs(lookup: Lookup, text: str) -> list[RecordRef]:
    return [m.ref for m in lookup.search(text)]


def test_finds_each_kind_by_name_company_email_and_phone(wb: Workbench) -> None:
    ids = _fill(wb)
    lookup = Lookup(wb)
    ana = RecordRef(RecordKind.LEAD, ids["ana"])
    assert _refs(lookup, "ana")[0] == ana  # the trashed Ana is not offered
    assert RecordRef(RecordKind.LEAD, ids["ana"]) in _refs(lookup, "globex")
    assert _refs(lookup, "ana@glo")[0] == ana
    assert _refs(lookup, "415 555")[0] == ana  # phone digits
    assert _refs(lookup, "lopez")[0] == ana  # accents do not matter
    bo = RecordRef(RecordKind.CONTACT, ids["bo"])
    assert _refs(lookup, "bo.schmidt@")[0] == bo
    assert bo in _refs(lookup, "acme")  # a contact is found by its account's name
    found = lookup.search("acme")
    kinds = {m.kind for m in found}
    assert kinds == {RecordKind.ACCOUNT, RecordKind.CONTACT, RecordKind.OPPORTUNITY}
    assert _refs(lookup, "mull")[0] == RecordRef(RecordKind.ACCOUNT, ids["mueller"])
    assert _refs(lookup, "a") == []  # one letter alone fetches nothing
    assert _refs(lookup, "zzzz") == []


def test_typos_are_forgiven(wb: Workbench) -> None:
    ids = _fill(wb)
    lookup = Lookup(wb)
    assert _refs(lookup, "schmit")[0] == RecordRef(RecordKind.CONTACT, ids["bo"])
    assert RecordRef(RecordKind.ACCOUNT, ids["acme"]) in _refs(lookup, "acme robotcs")


def test_changes_are_picked_up_after_mark_dirty(wb: Workbench) -> None:
    ids = _fill(wb)
    lookup = Lookup(wb)
    assert _refs(lookup, "initech") == []
    with wb.session() as s:
        s.add(Account(name="Initech"))
        contact = s.get(Contact, ids["bo"])
        assert contact is not None
        contact.name = "Bo Renamed"
        contact.updated_at = datetime.now(UTC)
        s.add(contact)
        acme = s.get(Account, ids["acme"])
        assert acme is not None
        acme.deleted_at = NOW
        acme.updated_at = datetime.now(UTC)
        s.add(acme)
    lookup.mark_dirty()
    assert [m.name for m in lookup.search("initech")] == ["Initech"]
    assert RecordRef(RecordKind.CONTACT, ids["bo"]) in _refs(lookup, "renamed")
    assert RecordRef(RecordKind.ACCOUNT, ids["acme"]) not in _refs(lookup, "acme")


def test_kinds_can_be_restricted(wb: Workbench) -> None:
    _fill(wb)
    leads_only = Lookup(wb, kinds=(RecordKind.LEAD,))
    assert {m.kind for m in leads_only.search("a")} <= {RecordKind.LEAD}
    assert {m.kind for m in leads_only.search("acme")} == set()
    accounts = Lookup(wb, kinds=(RecordKind.ACCOUNT,))
    assert {m.kind for m in accounts.search("acme")} == {RecordKind.ACCOUNT}


def test_one_letter_words_narrow_the_candidates(wb: Workbench) -> None:
    ids = _fill(wb)
    lookup = Lookup(wb)
    assert _refs(lookup, "bo s") == [RecordRef(RecordKind.CONTACT, ids["bo"])]
    assert _refs(lookup, "bo x") == []


def test_memory_fts_upserts_and_deletes() -> None:
    fts = MemoryFts(("name", "email"))
    fts.upsert([(1, "Ana López", "ana@x.io"), (2, "Bo Berg", None)])
    assert fts.match([["lop"]], 10) == [1]
    fts.upsert([(1, "Ana Ruiz", "")])
    assert fts.match([["lop"]], 10) == []
    assert fts.match([["ruiz", "nothing"], ["an"]], 10) == [1]
    fts.delete([2])
    assert fts.match([["bo"]], 10) == [] and len(fts) == 1
    assert "ruiz" in fts.vocabulary()
    fts.close()


def test_same_name_people_come_with_company_status_and_next_followup(wb: Workbench) -> None:
    """Issue 22: two "Daniel Lee" are told apart before one is picked, and they tie."""
    from datetime import timedelta

    from workbench.services.outreach import log as outreach
    from workbench.services.search.lookup import tie_count

    ids = _fill(wb)
    with wb.session() as s:
        acme_dan = Lead(name="Daniel Lee", company="Acme Robotics", status="working")
        hooli_dan = Lead(name="Daniel Lee", company="Hooli")
        s.add_all([acme_dan, hooli_dan])
        s.flush()
        assert acme_dan.id and hooli_dan.id
        acme_id, hooli_id = acme_dan.id, hooli_dan.id
    due = NOW + timedelta(days=3)
    outreach.add_followup(wb, RecordRef(RecordKind.LEAD, acme_id), "Send pricing", due, now=NOW)
    done = outreach.add_followup(wb, RecordRef(RecordKind.CONTACT, ids["bo"]), "Old", NOW, now=NOW)
    outreach.complete_followup(wb, done, now=NOW)
    outreach.add_followup(
        wb, RecordRef(RecordKind.CONTACT, ids["bo"]), "Demo", due + timedelta(days=1), now=NOW
    )
    outreach.add_followup(wb, RecordRef(RecordKind.OPPORTUNITY, ids["deal"]), "Proposal", due, now=NOW)
    lookup = Lookup(wb)

    found = lookup.search("daniel lee")
    assert [m.ref.id for m in found[:2]] == [hooli_id, acme_id]  # newest first at a tie
    assert tie_count(found) == 2
    hooli, acme = found[0], found[1]
    assert (hooli.company, hooli.status, hooli.next_followup) == ("Hooli", "new", None)
    assert (acme.company, acme.status, acme.next_followup) == ("Acme Robotics", "working", due)
    assert tie_count(lookup.search("daniel lee hooli")) == 0  # the company settles it

    [bo] = [m for m in lookup.search("bo schmidt") if m.kind is RecordKind.CONTACT]
    assert bo.next_followup == due + timedelta(days=1)  # the open one, not the done one
    [deal] = [m for m in lookup.search("acme rollout") if m.kind is RecordKind.OPPORTUNITY]
    assert (deal.status, deal.amount, deal.currency, deal.next_followup) == ("Discovery", 0.0, "USD", due)
    [account] = [m for m in lookup.search("acme robotics") if m.kind is RecordKind.ACCOUNT]
    assert account.status == "researching" and account.amount is None

    described = lookup.describe(RecordRef(RecordKind.LEAD, acme_id))
    assert described is not None and described.next_followup == due and described.status == "working"
    with wb.reading() as s:
        trashed = s.exec(select(Lead).where(Lead.name == "Ana Trashed")).one().id
    assert trashed is not None and lookup.describe(RecordRef(RecordKind.LEAD, trashed)) is None
