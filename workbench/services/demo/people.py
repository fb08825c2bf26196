"""Made-up people and companies: names from Faker (seeded), emails and phones that fit them."""

from __future__ import annotations

import re
from dataclasses import dataclass

from faker import Faker

from workbench.domain.normalize import strip_accents
from workbench.services.demo import pools
from workbench.services.demo.base import DemoRandom

#: Faker locale per sales region, so a DACH account's people have DACH names.
REGION_LOCALES: dict[str, str] = {
    "North America": "en_US",
    "DACH": "de_DE",
    "UK & Ireland": "en_GB",
    "Nordics": "sv_SE",
    "Benelux": "nl_NL",
    "France": "fr_FR",
    "Iberia": "es_ES",
    "CEE": "pl_PL",
}

#: Country calling code and an area-code-like prefix per region (fictional numbers).
REGION_PHONES: dict[str, tuple[str, tuple[str, ...]]] = {
    "North America": ("1", ("212", "415", "512", "617", "312", "206")),
    "DACH": ("49", ("30", "89", "40", "69")),
    "UK & Ireland": ("44", ("20", "161", "131")),
    "Nordics": ("46", ("8", "31")),
    "Benelux": ("31", ("20", "10")),
    "France": ("33", ("1", "4")),
    "Iberia": ("34", ("91", "93")),
    "CEE": ("48", ("22", "42")),
}

_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def ascii_slug(text: str, sep: str = "") -> str:
    return _NOT_SLUG.sub(sep, strip_accents(text).lower()).strip(sep)


@dataclass(frozen=True)
class Person:
    first: str
    last: str

    @property
    def name(self) -> str:
        return f"{self.first} {self.last}"


class PeopleFactory:
    """Seeded Faker instances per locale plus the formatting rules for contact details."""

    def __init__(self, rng: DemoRandom) -> None:
        self.rng = rng
        self._fakers: dict[str, Faker] = {}

    def faker(self, locale: str) -> Faker:
        if locale not in self._fakers:
            fake = Faker(locale)
            fake.seed_instance(self.rng.getrandbits(32))
            self._fakers[locale] = fake
        return self._fakers[locale]

    def person(self, region: str | None = None) -> Person:
        if region is None:
            region = self.rng.pick([(r, 6.0 if r == "North America" else 1.0) for r in REGION_LOCALES])
        fake = self.faker(REGION_LOCALES.get(region, "en_US"))
        return Person(str(fake.first_name()), str(fake.last_name()))

    def region(self) -> str:
        return self.rng.pick([(r, 5.0 if r == "North America" else 1.0) for r in pools.REGIONS])

    def company_name(self, taken: set[str]) -> str:
        for _ in range(50):
            if self.rng.chance(0.45):
                stem = self.rng.choice(pools.STEMS)
            else:
                stem = str(self.faker("en_US").last_name())
            word = self.rng.choice(pools.COMPANY_WORDS)
            suffix = self.rng.choice(pools.COMPANY_SUFFIXES)
            name = f"{stem} {word} {suffix}".strip()
            if name not in taken:
                taken.add(name)
                return name
        raise RuntimeError("ran out of company names")

    def domain_for(self, company: str) -> str:
        words = [
            w for w in company.split() if w.rstrip(".") not in {"Inc", "Ltd", "GmbH", "LLC", "AG", "S.A"}
        ]
        return f"{ascii_slug(''.join(words[:2]))}.{self.rng.choice(pools.TLDS)}"

    def email(self, person: Person, domain: str) -> str:
        first, last = ascii_slug(person.first), ascii_slug(person.last)
        style = self.rng.random()
        if style < 0.6:
            local = f"{first}.{last}"
        elif style < 0.85:
            local = f"{first[:1]}{last}"
        else:
            local = first
        return f"{local}@{domain}"

    def free_email(self, person: Person) -> str:
        n = self.rng.randint(1, 99)
        return f"{ascii_slug(person.first)}{ascii_slug(person.last)}{n}@{self.rng.choice(pools.FREE_MAIL)}"

    def phone(self, region: str) -> tuple[str, str]:
        """(as typed, E.164) for a fictional number in ``region``."""
        code, areas = REGION_PHONES.get(region, REGION_PHONES["North America"])
        area = self.rng.choice(areas)
        if code == "1":
            rest = f"555 {self.rng.randint(100, 199):03d}{self.rng.randint(0, 9)}"
        else:
            rest = f"{self.rng.randint(100, 999)} {self.rng.randint(1000, 9999)}"
        typed = f"+{code} {area} {rest}"
        return typed, "+" + typed.replace("+", "").replace(" ", "")

    def linkedin(self, person: Person) -> str:
        return f"https://www.linkedin.com/in/{ascii_slug(person.name, '-')}-{self.rng.getrandbits(16):04x}"
