"""vCards onto an account (issue 18, item 5): re-imports add nobody — phone-only cards
included — by the duplicate rules the leads use; possible duplicates are added and
named; departments and extensions are kept; a cancelled import writes nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlmodel import select

from workbench.domain import Contact
from workbench.exchange.vcard import ReadCancelled
from workbench.services.leads import duplicates
from workbench.services.leads.duplicates import Verdict
from workbench.services.targets import actions as target_actions
from workbench.services.targets import contacts
from workbench.services.targets.accounts import AccountInput
from workbench.services.targets.contacts import ContactInput, ImportCancelled
from workbench.store import Workbench

PEOPLE = (
    "BEGIN:VCARD\r\nVERSION:3.0\r\nN:Tanaka;Hiro;;;\r\nFN:Hiro Tanaka\r\nORG:IBM;Accounting\r\n"
    "EMAIL:hiro@ibm.example\r\nEND:VCARD\r\n"
    # Phone-only cards: no email to tell them by.
    "BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Sam Lee\r\nN:Lee;Sam;;;\r\n"
    "TEL;VALUE=uri:tel:+1-202-555-0143;ext=102\r\nEND:VCARD\r\n"
    "BEGIN:VCARD\r\nVERSION:2.1\r\nN:Berg;Bo\r\nTEL;CELL:+46 8 123 456 78\r\nEND:VCARD\r\n"
    # Two colleagues sharing a first name, each with an own address: two people.
    "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Catherine Summers\r\nEMAIL:csummers@ibm.example\r\nEND:VCARD\r\n"
    "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Catherine Myers\r\nEMAIL:cmyers@ibm.example\r\nEND:VCARD\r\n"
    # A name only.
    "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Dee Maker\r\nTITLE:COO\r\nEND:VCARD\r\n"
)


@pytest.fixture
def ibm(wb: Workbench) -> int:
    return target_actions.create_account(wb, AccountInput("IBM", "ibm.example"))


def _file(tmp_path: Path, text: str = PEOPLE) -> Path:
    path = tmp_path / "people.vcf"
    path.write_text(text, encoding="utf-8")
    return path


def _contacts(wb: Workbench) -> list[Contact]:
    with wb.reading() as s:
        return list(s.exec(select(Contact).order_by(Contact.id)).all())  # type: ignore[arg-type]


def test_reimporting_the_same_file_adds_nobody(wb: Workbench, ibm: int, tmp_path: Path) -> None:
    path = _file(tmp_path)
    first = target_actions.import_vcards(wb, ibm, path)
    assert first.created == 6 and first.already_there == [] and first.possible_duplicates == []
    again = target_actions.import_vcards(wb, ibm, path)
    assert again.created == 0
    reasons = {o.name: o.reason for o in again.outcomes}
    assert reasons == {
        "Hiro Tanaka": duplicates.SAME_EMAIL,
        "Sam Lee": contacts.SAME_PHONE_AND_NAME,
        "Bo Berg": contacts.SAME_PHONE_AND_NAME,
        "Catherine Summers": duplicates.SAME_EMAIL,
        "Catherine Myers": duplicates.SAME_EMAIL,
        "Dee Maker": "same name",
    }
    assert len(_contacts(wb)) == 6


def test_department_and_extension_are_kept(wb: Workbench, ibm: int, tmp_path: Path) -> None:
    target_actions.import_vcards(wb, ibm, _file(tmp_path))
    people = {c.name: c for c in target_actions.account_view(wb, ibm).contacts}
    hiro, sam = people["Hiro Tanaka"], people["Sam Lee"]
    assert hiro.department == "Accounting"
    assert "Organisation" not in hiro.notes  # ORG is the account itself
    assert sam.phone == "+1-202-555-0143 ext. 102" and sam.phone_e164 == "+12025550143"
    assert sam.phone_shown == "+12025550143 ext. 102"


def test_a_possible_duplicate_is_added_and_named(wb: Workbench, ibm: int, tmp_path: Path) -> None:
    with wb.session() as s:
        contacts.create_contact(s, ContactInput("Ana", "López", title="CFO", account_id=ibm))
        contacts.create_contact(s, ContactInput("Kim", "Park", phone="+1 202 555 0199", account_id=ibm))
    text = (
        "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ana Lopez\r\nEMAIL:ana@ibm.example\r\nEND:VCARD\r\n"
        # The same phone under another name: maybe a shared line, kept for review.
        "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Lee Chen\r\nTEL:+1 202 555 0199\r\nEND:VCARD\r\n"
    )
    result = target_actions.import_vcards(wb, ibm, _file(tmp_path, text))
    assert result.created == 2
    assert [(o.name, o.duplicate_of, o.reason) for o in result.possible_duplicates] == [
        ("Ana Lopez", "Ana López", duplicates.SIMILAR_FULL_NAME),
        ("Lee Chen", "Kim Park", duplicates.SAME_PHONE),
    ]


def test_a_contact_typed_by_hand_is_flagged_by_the_same_rules(wb: Workbench, ibm: int) -> None:
    with wb.session() as s:
        ana = contacts.create_contact(
            s, ContactInput("Ana", "López", email="ana@ibm.example", account_id=ibm)
        )
    same = target_actions.contact_duplicates(
        wb, ContactInput("A.", "L", email="ANA@ibm.example", account_id=ibm)
    )
    assert [(m.contact_id, m.verdict, m.reason) for m in same] == [(ana, Verdict.SAME, duplicates.SAME_EMAIL)]
    maybe = target_actions.contact_duplicates(wb, ContactInput("Ana", "Lopez", account_id=ibm))
    assert [(m.verdict, m.reason) for m in maybe] == [(Verdict.POSSIBLE, duplicates.SIMILAR_FULL_NAME)]
    other = ContactInput("Ana", "Lopez", email="ana.lopez@ibm.example", account_id=ibm)
    assert target_actions.contact_duplicates(wb, other) == []  # two valid emails: two people
    assert target_actions.contact_duplicates(wb, ContactInput("Ana", "López", account_id=ibm), ana) == []


def test_a_cancelled_import_writes_nothing(wb: Workbench, ibm: int, tmp_path: Path) -> None:
    path = _file(tmp_path, PEOPLE * 40)
    with pytest.raises(ReadCancelled):
        target_actions.import_vcards(wb, ibm, path, progress=lambda _d, _t: False)
    # Cancelled while writing (past the reading's 90 %): the transaction is rolled back.
    with pytest.raises(ImportCancelled):
        target_actions.import_vcards(wb, ibm, path, progress=lambda done, total: done < total * 0.95)
    assert _contacts(wb) == []


def test_accounts_are_found_by_uuid_id_or_name(wb: Workbench, ibm: int) -> None:
    uuid = target_actions.account_view(wb, ibm).account.uuid
    assert target_actions.account_by_reference(wb, uuid) == ibm
    assert target_actions.account_by_reference(wb, str(ibm)) == ibm
    assert target_actions.account_by_reference(wb, "ibm") == ibm
    assert target_actions.account_by_reference(wb, "Initech") is None
    target_actions.create_account(wb, AccountInput("IBM", "ibm2.example"), allow_duplicate=True)
    assert target_actions.account_by_reference(wb, "IBM") is None  # two share the name


@pytest.mark.sqlite_only
def test_a_file_from_before_departments_keeps_its_contacts(tmp_path: Path) -> None:
    from sqlalchemy import create_engine, text

    from workbench.store import open_workbench
    from workbench.store.migrate import upgrade
    from workbench.store.sqlite_file import APPLICATION_ID

    path = tmp_path / "old.db"
    engine = create_engine(f"sqlite:///{path}")
    upgrade(engine, "0007")  # the schema before a contact had a department
    with engine.begin() as conn:
        conn.exec_driver_sql(f"PRAGMA application_id = {APPLICATION_ID}")
        conn.execute(
            text(
                "INSERT INTO contact (uuid, owner, created_at, updated_at, first_name, last_name,"
                " name, title, buying_role, email, email_norm, phone, phone_e164, linkedin_url, notes)"
                " VALUES ('c1', '', '2026-01-01 00:00:00', '2026-01-01 00:00:00', 'Ana', 'López',"
                " 'Ana López', 'CFO', 'unknown', '', '', '', '', '', '')"
            )
        )
    engine.dispose()
    with open_workbench(path) as wb, wb.reading() as s:  # opening migrates it to 0008
        (ana,) = s.exec(select(Contact)).all()
        assert (ana.name, ana.department) == ("Ana López", "")
