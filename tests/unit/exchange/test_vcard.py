"""vCard import with the variations real phones, mail programs and CRMs write."""

from __future__ import annotations

from pathlib import Path

import pytest

from workbench.exchange.vcard import VCardError, read_vcard_file, read_vcards

V21_OUTLOOK = (
    "BEGIN:VCARD\r\n"
    "VERSION:2.1\r\n"
    "N;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:M=C3=BCller;J=C3=B6rg;;;\r\n"
    "FN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:J=C3=B6rg M=C3=BCller\r\n"
    "ORG:M\u00fcller Logistik GmbH;Vertrieb\r\n"
    "TITLE:Head of Sales\r\n"
    "TEL;WORK;VOICE:+49 30 1234567\r\n"
    "TEL;CELL:0171 5551234\r\n"
    "EMAIL;INTERNET:j.m@example.com\r\n"
    "EMAIL;PREF;INTERNET:joerg@mueller-logistik.de\r\n"
    "NOTE;ENCODING=QUOTED-PRINTABLE:Met at LogiMAT, booth 4.=0D=0A=\r\n"
    "Wants a demo in May.\r\n"
    "END:VCARD\r\n"
)

V30_FOLDED = (
    "BEGIN:VCARD\n"
    "VERSION:3.0\n"
    "N:Okafor;Chinwe;;Dr.;\n"
    "FN:Dr. Chinwe Okafor\n"
    "TITLE:Chief Revenue Officer and Head of Partnerships for the EMEA and APAC regio\n"
    " ns\n"
    "item1.EMAIL;type=INTERNET;type=pref:chinwe@globex.example\n"
    "item1.X-ABLabel:_$!<Work>!$_\n"
    "EMAIL;type=INTERNET;type=HOME:chinwe@home.example\n"
    "TEL;type=WORK;type=pref:+44 20 7946 0958\n"
    "PHOTO;ENCODING=b;TYPE=JPEG:/9j/4AAQSkZJRgABAQAAAQABAAD\n"
    "END:VCARD\n"
)

MALFORMED = (
    "BEGIN:VCARD\nVERSION:3.0\nFN:Broken Card\nthis is not a vCard line at all\n"
    "EMAIL:broken@acme.com\nEND:VCARD\n"
    "BEGIN:VCARD\nVERSION:3.0\nNOTE:nobody\nEND:VCARD\n"
)

V40 = (
    "BEGIN:VCARD\r\n"
    "VERSION:4.0\r\n"
    "FN:Ana López\r\n"
    "EMAIL;TYPE=home:ana@gmail.com\r\n"
    "EMAIL;TYPE=work;PREF=1:ana@acme.com\r\n"
    'TEL;VALUE=uri;TYPE="voice,work":tel:+1-202-555-0143\r\n'
    "URL:https://www.linkedin.com/in/ana-lopez\r\n"
    "END:VCARD\r\n"
)

NO_N = "BEGIN:VCARD\nVERSION:3.0\nFN:Bo Berg\nEMAIL:bo@initech.com\nEND:VCARD\n"
NO_FN = "BEGIN:VCARD\nVERSION:3.0\nN:Nakamura;Kenji;;;\nTEL:+81 3 1234 5678\nEND:VCARD\n"
EMAIL_ONLY = "BEGIN:VCARD\nVERSION:2.1\nEMAIL:someone@acme.com\nEND:VCARD\n"


def test_a_mixed_file_imports_what_it_can_and_lists_the_rest() -> None:
    result = read_vcards(V21_OUTLOOK + MALFORMED + V30_FOLDED + V40 + NO_N + NO_FN + EMAIL_ONLY)
    names = [p.name for p in result.people]
    assert names == [
        "Jörg Müller",
        "Broken Card",
        "Chinwe Okafor",
        "Ana López",
        "Bo Berg",
        "Kenji Nakamura",
        "",
    ]
    assert [(p.number, p.imported) for p in result.problems] == [(2, True), (3, False)]
    partly, skipped = result.problems
    assert "not a vCard line" in partly.reason and partly.name == "Broken Card"
    assert skipped.reason == "no name, email or phone" and skipped.line == 20
    assert "Card 3" in skipped.describe() and "skipped" in skipped.describe()
    assert result.skipped == [skipped]
    assert result.people[-1].email == "someone@acme.com"


def test_vcard_21_quoted_printable_and_preferred_email() -> None:
    (person,) = read_vcards(V21_OUTLOOK).people
    assert (person.first_name, person.last_name) == ("Jörg", "Müller")
    assert person.emails == ("joerg@mueller-logistik.de", "j.m@example.com")  # PREF first
    assert person.phones == ("+49 30 1234567", "0171 5551234")
    assert person.organisation == "Müller Logistik GmbH"
    assert person.title == "Head of Sales"
    assert person.note == "Met at LogiMAT, booth 4.\nWants a demo in May."


def test_vcard_30_folded_lines_grouped_properties_and_photo() -> None:
    (person,) = read_vcards(V30_FOLDED).people
    assert person.title.endswith("EMEA and APAC regions")
    assert person.emails[0] == "chinwe@globex.example"
    assert person.phone == "+44 20 7946 0958"
    assert (person.first_name, person.last_name) == ("Chinwe", "Okafor")


def test_vcard_40_uris_and_pref_parameter() -> None:
    (person,) = read_vcards(V40).people
    assert person.email == "ana@acme.com"
    assert person.phone == "+1-202-555-0143"
    assert person.linkedin_url == "https://www.linkedin.com/in/ana-lopez"


def test_missing_n_or_fn_uses_the_other() -> None:
    assert read_vcards(NO_N).people[0].last_name == "Berg"
    kenji = read_vcards(NO_FN).people[0]
    assert (kenji.first_name, kenji.last_name, kenji.phone) == ("Kenji", "Nakamura", "+81 3 1234 5678")


def test_a_card_without_its_end_line_is_still_read() -> None:
    result = read_vcards(NO_N + "BEGIN:VCARD\nVERSION:3.0\nFN:Cut Off\nEMAIL:cut@off.com\n")
    assert [p.name for p in result.people] == ["Bo Berg", "Cut Off"]
    assert result.problems[0].imported and "END:VCARD" in result.problems[0].reason


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "cp1252"])
def test_files_in_the_encodings_programs_write(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "people.vcf"
    path.write_bytes(("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:José Müller\r\nEND:VCARD\r\n" * 3).encode(encoding))
    result = read_vcard_file(path)
    assert [p.name for p in result.people] == ["José Müller"] * 3


def test_latin1_quoted_printable() -> None:
    text = (
        "BEGIN:VCARD\nVERSION:2.1\n"
        "FN;CHARSET=ISO-8859-1;ENCODING=QUOTED-PRINTABLE:Fran=E7ois L=E9vy\nEND:VCARD\n"
    )
    assert read_vcards(text).people[0].name == "François Lévy"


def test_files_that_are_not_vcards_are_refused(tmp_path: Path) -> None:
    empty = tmp_path / "empty.vcf"
    empty.write_bytes(b"")
    with pytest.raises(VCardError, match="no vCards"):
        read_vcard_file(empty)
    binary = tmp_path / "photo.vcf"
    binary.write_bytes(bytes(range(256)) * 8)
    with pytest.raises(VCardError, match="not a text file"):
        read_vcard_file(binary)
    with pytest.raises(VCardError, match="Cannot read"):
        read_vcard_file(tmp_path / "missing.vcf")


def test_bare_commas_survive_and_escaped_ones_too() -> None:
    text = (
        "BEGIN:VCARD\nVERSION:3.0\nN:Smith, Jr.;John;;;\nFN:John Smith\\, Jr.\nORG:Acme, Inc.;R&D\n"
        "NOTE:Prefers email, not calls\nCATEGORIES:vip,trade show\nEND:VCARD\n"
    )
    (person,) = read_vcards(text).people
    assert person.last_name == "Smith, Jr."
    assert person.organisation == "Acme, Inc."
    assert person.note == "Prefers email, not calls"


def test_vcard_21_base64_photo_is_skipped_without_harm() -> None:
    text = (
        "BEGIN:VCARD\r\nVERSION:2.1\r\nN:Berg;Bo\r\nPHOTO;JPEG;ENCODING=BASE64:\r\n"
        " /9j/4AAQSkZJRgABAQEASABIAAD/2wBDAAMCAgMCAgMDAwMEAwMEBQgFBQQEBQoHBwYIDAoM\r\n"
        "DAsKCwsNDhIQDQ4RDgsLEBYQERMUFRUVDA8XGBYUGBIUFRT\r\n"
        "\r\n"
        "TEL;HOME:+46 8 123 456\r\nEND:VCARD\r\n"
    )
    result = read_vcards(text)
    assert [(p.name, p.phone) for p in result.people] == [("Bo Berg", "+46 8 123 456")]
    assert result.problems == []


def test_declared_charset_decides_the_encoding(tmp_path: Path) -> None:
    card = "BEGIN:VCARD\r\nVERSION:2.1\r\nFN;CHARSET=WINDOWS-1251:Иван Петров\r\nEND:VCARD\r\n"
    path = tmp_path / "ru.vcf"
    path.write_bytes(card.encode("cp1251"))
    assert read_vcard_file(path).people[0].name == "Иван Петров"
