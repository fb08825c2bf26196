"""vCards as Android, iPhone, Outlook, Lotus Notes, Gmail and Thunderbird write them, and
each fault of issue 18: one bad property or byte costs that property, never the card."""

from __future__ import annotations

from pathlib import Path

import pytest

from workbench.exchange.vcard import read_vcard_file, read_vcards, split_structured, unescape
from workbench.exchange.vcard_lines import ReadCancelled

ANDROID = (  # vCard 2.1, quoted-printable UTF-8 with soft line breaks, as Contacts exports
    "BEGIN:VCARD\r\n"
    "VERSION:2.1\r\n"
    "N;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:=C3=96zt=C3=BCrk;Ay=C5=9Fe;;;\r\n"
    "FN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:Ay=C5=9Fe =C3=96zt=C3=BCrk\r\n"
    "TEL;CELL:+90 532 123 45 67\r\n"
    "EMAIL;HOME:ayse@example.com\r\n"
    "NOTE;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:Please come=\r\n"
    " to the fair, hall 3=\r\n"
    "=0A=C3=A7ok g=C3=BCzel\r\n"
    "X-ANDROID-CUSTOM:vnd.android.cursor.item/nickname;Ayşe;1;;;;;;;;;;;;;\r\n"
    "END:VCARD\r\n"
)

IPHONE = (  # vCard 3.0 with item groups, labels and a folded photo
    "BEGIN:VCARD\r\n"
    "VERSION:3.0\r\n"
    "PRODID:-//Apple Inc.//iPhone OS 17.4//EN\r\n"
    "N:Okafor;Chinwe;;Dr.;\r\n"
    "FN:Dr. Chinwe Okafor\r\n"
    "ORG:Globex;Partnerships;EMEA\r\n"
    "item1.EMAIL;type=INTERNET;type=pref:chinwe@globex.example\r\n"
    "item1.X-ABLabel:_$!<Work>!$_\r\n"
    "TEL;type=CELL;type=VOICE;type=pref:+44 7700 900123\r\n"
    "item2.URL;type=pref:https://www.linkedin.com/in/chinwe\r\n"
    "PHOTO;ENCODING=b;TYPE=JPEG:/9j/4AAQSkZJRgABAQAAAQABAAD\r\n"
    " /2wBDAAMCAgMCAgMDAwMEAwMEBQgFBQQEBQoHBwYIDAoMDAsKCwsNDhIQDQ4RDgsLEBYQERMUFRUV\r\n"
    "END:VCARD\r\n"
)

OUTLOOK = (  # vCard 2.1 in cp1252, quoted-printable, bare parameters
    "BEGIN:VCARD\r\n"
    "VERSION:2.1\r\n"
    "N;LANGUAGE=de:Müller;Jörg\r\n"
    "FN:Jörg Müller\r\n"
    "ORG:Müller Logistik GmbH;Vertrieb\r\n"
    "TITLE:Head of Sales\r\n"
    "TEL;WORK;VOICE:+49 30 1234567\r\n"
    "EMAIL;PREF;INTERNET:joerg@mueller-logistik.de\r\n"
    "NOTE;ENCODING=QUOTED-PRINTABLE:Met at LogiMAT, booth 4.=0D=0A=\r\n"
    "Wants a demo in May.\r\n"
    "END:VCARD\r\n"
)

LOTUS_NOTES = (  # vCard 3.0 with RFC 2426's PROFILE line and ORG units
    "BEGIN:VCARD\r\n"
    "VERSION:3.0\r\n"
    "PROFILE:VCard\r\n"
    "N:Tanaka;Hiro;;;\r\n"
    "FN:Hiro Tanaka\r\n"
    "ORG:IBM;Accounting\r\n"
    "TITLE:Controller\r\n"
    "TEL;TYPE=WORK:+1 914 555 0142\r\n"
    "EMAIL;TYPE=INTERNET:hiro.tanaka@ibm.example\r\n"
    "END:VCARD\r\n"
)

GMAIL = (  # vCard 3.0 with escaped colons in URLs, \\n in notes and escaped commas
    "BEGIN:VCARD\r\n"
    "VERSION:3.0\r\n"
    "FN:Maria Rossi\r\n"
    "N:Rossi;Maria;;;\r\n"
    "EMAIL;TYPE=INTERNET;TYPE=WORK:maria@initech.example\r\n"
    "item1.URL:http\\://www.initech.example/team\r\n"
    "item1.X-ABLabel:\r\n"
    "ORG:Initech\\, Inc.;R&D\\; Labs\r\n"
    "NOTE:Two lines:\\nfirst\\, second\\; and a backslash \\\\ here\r\n"
    "END:VCARD\r\n"
)

THUNDERBIRD = (  # vCard 4.0 with tel: URIs carrying an extension, PREF=1
    "BEGIN:VCARD\r\n"
    "VERSION:4.0\r\n"
    "FN:Sam Lee\r\n"
    "N:Lee;Sam;;;\r\n"
    "EMAIL;TYPE=home:sam@gmail.com\r\n"
    "EMAIL;PREF=1:sam@umbrella.example\r\n"
    "TEL;VALUE=uri;TYPE=work:tel:+1-555-555-5555;ext=102\r\n"
    "TEL;VALUE=uri;TYPE=cell:tel:+1-202-555-0143\r\n"
    "END:VCARD\r\n"
)


def test_android_quoted_printable_soft_breaks_keep_their_spaces() -> None:
    result = read_vcards(ANDROID)
    (ayse,) = result.people
    assert (ayse.first_name, ayse.last_name) == ("Ayşe", "Öztürk")
    assert ayse.note == "Please come to the fair, hall 3\nçok güzel"  # not "cometo"
    assert ayse.phone == "+90 532 123 45 67"
    assert result.problems == []


def test_iphone_groups_photo_and_org_units() -> None:
    (chinwe,) = read_vcards(IPHONE).people
    assert (chinwe.first_name, chinwe.last_name) == ("Chinwe", "Okafor")
    assert chinwe.email == "chinwe@globex.example"
    assert (chinwe.organisation, chinwe.department) == ("Globex", "Partnerships / EMEA")
    assert chinwe.linkedin_url == "https://www.linkedin.com/in/chinwe"


def test_outlook_cp1252_file(tmp_path: Path) -> None:
    path = tmp_path / "outlook.vcf"
    path.write_bytes(OUTLOOK.encode("cp1252"))
    result = read_vcard_file(path)
    (jorg,) = result.people
    assert (jorg.first_name, jorg.last_name) == ("Jörg", "Müller")
    assert (jorg.organisation, jorg.department) == ("Müller Logistik GmbH", "Vertrieb")
    assert jorg.note == "Met at LogiMAT, booth 4.\nWants a demo in May."
    assert result.problems == []  # a whole cp1252 file is no fault of any one property


def test_lotus_notes_profile_line_keeps_the_card() -> None:
    result = read_vcards(LOTUS_NOTES)
    (hiro,) = result.people
    assert (hiro.organisation, hiro.department, hiro.title) == ("IBM", "Accounting", "Controller")
    assert result.problems == []


def test_gmail_escapes_are_decoded() -> None:
    (maria,) = read_vcards(GMAIL).people
    assert maria.urls == ("http://www.initech.example/team",)
    assert (maria.organisation, maria.department) == ("Initech, Inc.", "R&D; Labs")
    assert maria.note == "Two lines:\nfirst, second; and a backslash \\ here"


def test_thunderbird_tel_uri_keeps_its_extension() -> None:
    (sam,) = read_vcards(THUNDERBIRD).people
    assert sam.email == "sam@umbrella.example"  # PREF=1 first
    assert sam.phones == ("+1-555-555-5555 ext. 102", "+1-202-555-0143")


def test_unescape_and_structured_values() -> None:
    assert unescape(r"http\://x.example") == "http://x.example"
    assert unescape(r"C:\temp") == r"C:\temp"  # an unknown escape stays as typed
    assert split_structured(r"IBM;Accounting\;Payroll;") == ["IBM", "Accounting;Payroll", ""]


def test_one_bad_byte_in_org_costs_nothing_else(tmp_path: Path) -> None:
    card = LOTUS_NOTES.replace("ORG:IBM;Accounting", "ORG:M\udcfcller;Accounting").replace("Hiro", "Hirō")
    path = tmp_path / "notes.vcf"
    path.write_bytes(card.encode("utf-8", errors="surrogateescape"))
    result = read_vcard_file(path)
    (hiro,) = result.people
    assert hiro.first_name == "Hirō"  # the rest of the file is still UTF-8
    assert hiro.organisation == "Müller"  # the one byte re-read as cp1252, and said so
    (problem,) = result.problems
    assert (problem.number, problem.property, problem.imported) == (1, "ORG", True)
    assert "not UTF-8" in problem.describe() and "Hirō Tanaka" in problem.describe()


def test_a_byte_no_encoding_reads_drops_only_that_property(tmp_path: Path) -> None:
    # 0x81 is undefined in cp1252 too: the ORG goes, with a warning, the card stays.
    path = tmp_path / "bad.vcf"
    path.write_bytes(LOTUS_NOTES.encode().replace(b"ORG:IBM", b"ORG:I\x81BM"))
    result = read_vcard_file(path)
    (hiro,) = result.people
    assert hiro.organisation == "" and hiro.email == "hiro.tanaka@ibm.example"
    (problem,) = result.problems
    assert problem.property == "ORG" and "left out" in problem.describe()


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("EMAIL;TYPE=work;=x:bad@ibm.example", "malformed"),
        ('EMAIL;TYPE="work:bad@ibm.example', "quote"),
        ("EMAIL;;TYPE=work:bad@ibm.example", "malformed"),
        ("EMA IL:bad@ibm.example", "not a property name"),
    ],
)
def test_a_malformed_property_is_left_out_with_its_name(line: str, reason: str) -> None:
    text = LOTUS_NOTES.replace("END:VCARD", f"{line}\r\nEND:VCARD")
    result = read_vcards(text)
    (hiro,) = result.people
    assert hiro.email == "hiro.tanaka@ibm.example" and hiro.department == "Accounting"
    (problem,) = result.problems
    assert problem.number == 1 and problem.name == "Hiro Tanaka" and reason in problem.reason
    assert "Failed to parse" not in problem.reason  # never a library's own message


def test_every_writer_in_one_file_and_a_card_without_a_person() -> None:
    text = ANDROID + IPHONE + OUTLOOK + "BEGIN:VCARD\nVERSION:3.0\nNOTE:nobody\nEND:VCARD\n" + GMAIL
    result = read_vcards(text + LOTUS_NOTES + THUNDERBIRD)
    assert [p.card for p in result.people] == [1, 2, 3, 5, 6, 7]
    assert result.cards == 7
    (skipped,) = result.skipped
    assert skipped.number == 4 and "no name, email or phone" in skipped.describe()


def test_progress_can_cancel(tmp_path: Path) -> None:
    path = tmp_path / "many.vcf"
    path.write_text(LOTUS_NOTES * 2000, encoding="utf-8")
    with pytest.raises(ReadCancelled):
        read_vcard_file(path, lambda _done, _total: False)
    seen: list[tuple[int, int]] = []
    read_vcard_file(path, lambda done, total: seen.append((done, total)) is None)
    assert seen[-1] == (path.stat().st_size, path.stat().st_size)
