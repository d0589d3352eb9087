"""An independent, deliberately naive reference implementation of every indicator, compared with
the real `lis build` row by row.

The reference below is written straight from ../shared/spec/indicators.md and extracts.md in plain
Python: dicts and sets, day-by-day loops over dates, no SQL, nothing shared with models/ or
macros/. Where the spec leaves a choice open it follows README.md's "Readings of the contract":

- every `betalingskommune` in ydelser, engangsbevillinger, anbringelser or budget gets every
  total row;
- status dates: the given date plus the last day of every month from January of the previous year;
- `06` has no rows in a year that seeds/refusionsgraenser.csv lacks, and no rate 75 in a year
  without graense_75; thresholds are compared with each person's yearly sum in whole øre;
- `08` is a mean caseload (indicators.md): a service with no caseworker counts in neither the
  numerator nor the denominator, and in no caseworker's row;
- `09` counts persons with an active service in `ydelser` (placements are `A1`);
- breakdown rows whose value is 0 or empty may be absent on either side.

The extracts are written by the project's generator (1,500 grants, 3 municipalities, seed 11, the
Danish dialect), which writes every value of every mapping (every paragraph of the catalogue, those
in no group too, every price unit, provider type and placement type, 85 both ways: checked below).
Five variants (VARIANTS) in three years: as of 2022-03-31 plain, and edited in Python before the
build (also built at 2022-03-17); as of 2020-12-31, a leap year without a 75 % step whose
previous year 2019 has no thresholds; as of 2024-02-29, a leap day, in years without thresholds.
The edits: overlapping grants of the same person and paragraph, late registrations
(oprettet_dato after startdato, some after status dates, some after the build's as-of), grants that
end exactly on a month end, grants that start on 2022-03-31, grants with no caseworker, CPR numbers
without the dash and paragraph spellings like `SEL § 107`; and a few rows that break a rule of
extracts.md's reason-code table, which the reference leaves out by the contract's rules (`reason`,
`checked_rows`) and the build must quarantine with the same codes.

The reference holds the contract's own tables (groups, budget areas, refusion thresholds, the
paragraph catalogue, the target groups) rather than reading the project's seeds: a wrong seed must
not be copied into the expected values. The third wave's rules are here too: target groups (02-05,
09), teams and caseloads by paragraph (08, 10), 15's 112 and 114, 07 by the provider's ejerkommune,
and OS2bos's paragraph keys (SEL-107-1), which harden() writes.
"""

from __future__ import annotations

import csv
import io
import math
import random
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from fractions import Fraction
from itertools import repeat
from pathlib import Path

import duckdb
import pytest

from tests.small_build import build
from tools.synth import write_extracts

# builds a warehouse: deselect with -m 'not e2e' for the quick subset
pytestmark = pytest.mark.e2e

REPO = Path(__file__).resolve().parents[1]
SMALL = Path(__file__).resolve().parent / "fixtures" / "small"
AS_OF = date(2022, 3, 31)
ONE_DAY = timedelta(days=1)

INDICATORS = [*(f"{number:02d}" for number in range(1, 16)), "A1", "F1", "F2", "V1"]

# indicators.md, "Groups of services". 85 belongs to `botilbud` only when botilbudslignende.
GROUPS = {
    "botilbud": {"107", "108", "85"},
    "dagtilbud": {"103", "104"},
    "hjaelperordning": {"95", "96"},
    "timer": {"83", "85", "95", "96", "97", "98", "99"},
    "merudgift": {"100"},
}
# Indicator 10's project variable, default per indicators.md.
PARAGRAFFER_10 = {"95", "96", "103", "104", "107", "108"}
ALDERSGRUPPER = [
    ("0-15", 0, 15),
    ("16-17", 16, 17),
    ("18-23", 18, 23),
    ("24-49", 24, 49),
    ("50-64", 50, 64),
    ("65+", 65, 10_000),
]
UDGIFTSINTERVALLER = [
    ("0-250000", 0, 250_000),
    ("250000-500000", 250_000, 500_000),
    ("500000-1000000", 500_000, 1_000_000),
    ("1000000-2000000", 1_000_000, 2_000_000),
    ("2000000+", 2_000_000, None),
]
ANBRINGELSESTYPER = [
    "netvaerksplejefamilie",
    "plejefamilie",
    "kommunal_plejefamilie",
    "opholdssted",
    "doegninstitution",
    "eget_vaerelse",
    "kostskole_efterskole",
]
OMRAADER = [
    "botilbud",
    "dagtilbud",
    "hjaelperordning",
    "stoette_i_eget_hjem",
    "merudgift_hjaelpemidler",
]
EKSTERN = {"anden_kommune", "region", "privat"}
# indicators.md, 11: each paragraph's budget area (85 botilbudslignende is botilbud: omraade()).
# The paragraphs in no group (82 a, 82 b, 84, 86, 102) are in no area.
OMRAADE = {
    **dict.fromkeys(["83", "85", "97", "98", "99"], "stoette_i_eget_hjem"),
    **dict.fromkeys(["100", "112", "114"], "merudgift_hjaelpemidler"),
    **dict.fromkeys(["103", "104"], "dagtilbud"),
    **dict.fromkeys(["107", "108"], "botilbud"),
    **dict.fromkeys(["95", "96"], "hjaelperordning"),
}
# indicators.md, "Refusion thresholds": the known values (graense_25, graense_50, graense_75).
REFUSIONSGRAENSER = {
    2020: (Fraction(1_090_000), Fraction(2_050_000), None),
    2021: (Fraction(850_000), Fraction(1_660_000), Fraction(2_090_000)),
    2022: (Fraction(860_000), Fraction(1_680_000), Fraction(2_120_000)),
}
# extracts.md, "Bad input": what a row of each extract must satisfy. The contract names the
# required fields of ydelser; for the others, the fields every indicator needs.
ID = {
    "ydelser": "bevilling_id",
    "engangsbevillinger": "bevilling_id",
    "anbringelser": "anbringelse_id",
}
REQUIRED = {
    "ydelser": ("bevilling_id", "cpr", "paragraf", "startdato", "betalingskommune"),
    "engangsbevillinger": (
        "bevilling_id",
        "cpr",
        "paragraf",
        "bevillingsdato",
        "beloeb",
        "betalingskommune",
    ),
    "anbringelser": ("anbringelse_id", "cpr", "anbringelsestype", "startdato", "betalingskommune"),
}
DATES = {
    "ydelser": ("startdato", "slutdato", "oprettet_dato"),
    "engangsbevillinger": ("bevillingsdato", "oprettet_dato"),
    "anbringelser": ("startdato", "slutdato", "oprettet_dato"),
}
NUMBERS = {
    "ydelser": ("timer_pr_uge", "takst"),
    "engangsbevillinger": ("beloeb",),
    "anbringelser": ("takst",),
}
# indicators.md, the paragraph catalogue: the groups' paragraphs and those in no group.
CATALOGUE = {
    "ydelser": {*OMRAADE} - {"112", "114"} | {"82a", "82b", "84", "86", "102"},
    "engangsbevillinger": {"112", "114"},
}
UNITS = {"dag", "maaned", "aar", "time"}
# indicators.md, "Target groups": DST codes and texts of each target group, as the contract writes
# them (compared after normalisation).
MAALGRUPPE_KODER = {"1.1": "fysisk", "1.2.1": "kognitiv", "1.2.2": "sindslidelse"}
MAALGRUPPE_TEKSTER = {
    "fysisk": "fysisk funktionsnedsættelse, mobilitetsnedsættelse, synsnedsættelse, "
    "hørenedsættelse, kommunikationsnedsættelse, døvblindhed",
    "kognitiv": "intellektuel/kognitiv forstyrrelse, intellektuel funktionsnedsættelse, kognitiv "
    "funktionsnedsættelse, demens, hjerneskade, medfødt hjerneskade, erhvervet hjerneskade, "
    "udviklingsforstyrrelse, opmærksomhedsforstyrrelse, adhd, autisme, autismespektrum, "
    "udviklingshæmning",
    "sindslidelse": "sindslidelse, psykisk funktionsnedsættelse, psykisk lidelse, angst, "
    "depression, forandret virkelighedsopfattelse, skizofreni, personlighedsforstyrrelse, "
    "spiseforstyrrelse, tilknytningsforstyrrelse",
    "socialt": "socialt problem, sociale problemer, misbrug, stofmisbrug, alkoholmisbrug, "
    "hjemløshed",
}
MAALGRUPPER = ["fysisk", "kognitiv", "sindslidelse", "socialt", "andet", "uoplyst"]


def normalised(text: str) -> str:
    """Lower case; æ, ø, å as ae, oe, aa; only a-z, 0-9 and '.' kept."""
    text = text.lower().replace("æ", "ae").replace("ø", "oe").replace("å", "aa")
    return "".join(c for c in text if c in "abcdefghijklmnopqrstuvwxyz0123456789.")


TEKST_TIL_MAALGRUPPE = {
    normalised(t.strip()): g for g, texts in MAALGRUPPE_TEKSTER.items() for t in texts.split(",")
}


def maalgruppe_of(value: str) -> str:
    """A value of ydelser.maalgruppe read as indicators.md says."""
    key = normalised(value)
    if not key:
        return "uoplyst"
    if re.fullmatch(r"[0-9.]+", key):
        # the longest code of the table that the value equals or that is followed in it by a dot
        codes = [c for c in MAALGRUPPE_KODER if key == c or key.startswith(c + ".")]
        return MAALGRUPPE_KODER[max(codes, key=len)] if codes else "andet"
    return TEKST_TIL_MAALGRUPPE.get(key, "andet")


# ------------------------------------------------------------------------------------------------
# Reading the extracts (extracts.md): any of the contract's dialects, plain csv module.
# ------------------------------------------------------------------------------------------------


def read_rows(folder: Path, extract: str) -> list[dict[str, str]]:
    """Every row of every `<extract>*.csv` file, keys lower-cased, values stripped."""
    rows = []
    for path in sorted(folder.glob(f"{extract}*.csv")):
        raw = path.read_bytes()
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = raw.decode("cp1252")
        header = text.splitlines()[0]
        delimiter = ";" if header.count(";") >= header.count(",") else ","
        for row in csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter):
            rows.append({k.strip().lower(): (v or "").strip() for k, v in row.items()})
    return rows


def parse_date(text: str) -> date | None:
    if not text:
        return None
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return date.fromisoformat(text)
    m = re.fullmatch(r"(\d{2})[-.](\d{2})[-.](\d{4})", text)
    assert m, text
    return date(int(m[3]), int(m[2]), int(m[1]))


def try_date(text: str) -> date | None:
    """A date in one of the contract's formats; None when it is not a day of the calendar."""
    m = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", text) or re.fullmatch(
        r"(\d{2})([-.])(\d{2})\2(\d{4})", text
    )
    if not m:
        return None
    y, mo, d = (m[1], m[2], m[3]) if len(m.groups()) == 3 else (m[4], m[3], m[1])
    try:
        return date(int(y), int(mo), int(d))
    except ValueError:
        return None


def os2bos_key(text: str) -> str | None:
    """OS2bos's key SEL-<paragraph>[-<part>] (extracts.md): a part starting with a digit is a
    stykke, a single letter followed by nothing or a dot is the paragraph's letter, a reference
    (jf., jfr.) is dropped; any other part reads as nothing."""
    number, _, part = text[4:].partition("-")
    if not number.isdigit():
        return None
    if not part or part[0].isdigit() or re.match(r"(?i)jfr?[.\s]", part):
        return number
    if part[0].isalpha() and (len(part) == 1 or part[1] == "."):
        return number + part[0].lower()
    return None


def paragraf_key(text: str) -> str | None:
    """The paragraph with its letter (`SEL § 82 a` is 82a), for the catalogue check."""
    if text.upper().startswith("SEL-"):
        return os2bos_key(text)
    m = re.fullmatch(r"(?i)(?:SEL)?\s*§?\s*(\d+)\s*([a-z])?\s*(?:,?\s*stk\.?\s*\d+\.?)?", text)
    return m[1] + (m[2] or "").lower() if m else None


def reason(extract: str, r: dict[str, str]) -> str | None:  # noqa: C901 - the table, rule by rule
    """The first rule of extracts.md's reason-code table (before the duplicates) the row breaks."""
    if any(not r.get(c) for c in REQUIRED[extract]):
        return "missing_required"
    if not re.fullmatch(r"\d{6}-?\d{4}", r["cpr"]) or try_birth_date(r["cpr"]) is None:
        return "cpr_invalid"
    dates = {c: try_date(r.get(c, "")) for c in DATES[extract]}
    if any(r.get(c) and dates[c] is None for c in dates):
        return "date_invalid"
    if dates.get("slutdato") and dates["slutdato"] < dates["startdato"]:
        return "period_invalid"
    if (dates.get("startdato") or dates.get("bevillingsdato")) < try_birth_date(r["cpr"]):
        return "before_birth"
    if extract in CATALOGUE and paragraf_key(r["paragraf"]) not in CATALOGUE[extract]:
        return "paragraf_unknown"
    if not re.fullmatch(r"0?\d{3}", r["betalingskommune"]):
        return "kommune_invalid"
    for c in NUMBERS[extract]:
        text = r.get(c, "")
        if text and (not re.fullmatch(r"-?\d+([.,]\d+)?", text) or parse_number(text) < 0):
            return "number_invalid"
    if r.get("takst") and r.get("takst_enhed", "").lower() not in UNITS:
        return "unit_invalid"
    return None


def checked_rows(folder: Path, extract: str, quarantine: Counter) -> list[dict[str, str]]:
    """The rows of an extract that break no rule of extracts.md; the others are counted in
    `quarantine` by reason code. duplicate_conflict: the id is on rows that differ (every such row
    goes); duplicate_exact: a later exact copy of a row (the first copy stays)."""
    rows = read_rows(folder, extract)
    key = ID[extract]
    per_id = Counter(r[key] for r in rows)
    copies = Counter(tuple(sorted(r.items())) for r in rows)
    seen: set[tuple] = set()
    kept = []
    for r in rows:
        this = tuple(sorted(r.items()))
        code = reason(extract, r)
        if code is None and per_id[r[key]] > copies[this]:
            code = "duplicate_conflict"
        elif code is None and this in seen:
            code = "duplicate_exact"
        seen.add(this)
        if code:
            quarantine[extract, code] += 1
        else:
            # extracts.md: a 4-digit code with a leading zero (0101) is read as 101
            kept.append(dict(r, betalingskommune=r["betalingskommune"][-3:]))
    return kept


def parse_number(text: str) -> Fraction | None:
    """Decimal comma or point, no thousands separator; exact."""
    return Fraction(text.replace(",", ".")) if text else None


def parse_bool(text: str) -> bool:
    return text.lower() in {"ja", "true", "1", "x"}


def parse_paragraf(text: str) -> str:
    """`107`, `§107`, `§ 107`, `SEL § 107`, `107 stk. 1` all mean `107`; the letter is part of the
    paragraph: `82a`, `§ 82 a`, `82 A` all mean `82a` (a letter alone, not the s of `stk.`)."""
    if text.upper().startswith("SEL-"):
        return os2bos_key(text)
    number, letter = re.search(r"(\d+)\s*([A-Za-z](?![A-Za-z]))?", text).groups()
    return number + (letter or "").lower()


def person(cpr: str) -> str:
    """A person is the CPR number, digits only."""
    return re.sub(r"\D", "", cpr)


def birth_date(cpr: str) -> date:
    """extracts.md, "CPR": DDMMYY and the 7th digit give the century."""
    dd, mm, yy, seventh = int(cpr[0:2]), int(cpr[2:4]), int(cpr[4:6]), int(cpr[6])
    if seventh <= 3:
        century = 1900
    elif seventh in (4, 9):
        century = 2000 if yy <= 36 else 1900
    else:
        century = 2000 if yy <= 57 else 1800
    return date(century + yy, mm, dd)


def try_birth_date(cpr: str) -> date | None:
    try:
        return birth_date(re.sub(r"\D", "", cpr))
    except ValueError:
        return None


def age_on(cpr: str, d: date) -> int:
    """Completed years on d (a 29 February birthday is reached on 1 March in other years)."""
    b = birth_date(cpr)
    return d.year - b.year - ((d.month, d.day) < (b.month, b.day))


@dataclass(frozen=True)
class Service:
    """One row of `ydelser` (or, with paragraf = anbringelsestype, of `anbringelser`)."""

    id: str
    cpr: str
    paragraf: str
    start: date
    end: date | None
    kommune: str
    leverandoer: str
    sagsbehandler: str
    timer: Fraction
    takst: Fraction
    enhed: str
    botilbudslignende: bool
    oprettet: date | None
    maalgruppe: str = "uoplyst"


@dataclass(frozen=True)
class Engang:
    id: str
    cpr: str
    paragraf: str
    dato: date
    beloeb: Fraction
    kommune: str
    sagsbehandler: str
    oprettet: date | None


@dataclass
class Data:
    ydelser: list[Service]
    anbringelser: list[Service]
    engangs: list[Engang]
    leverandoertype: dict[str, str]
    ejerkommune: dict[str, str]  # provider -> owning municipality, where given
    team: dict[str, str]  # caseworker -> team, where given
    budget: dict[tuple[int, str, str], Fraction]  # (aar, kommune, omraade) -> beloeb
    omraade: dict[str, str]  # paragraf -> budget area (indicators.md)
    graenser: dict[int, tuple[Fraction, Fraction, Fraction | None]]
    quarantine: Counter  # (extract, reason code) -> rows left out


def read_data(folder: Path) -> Data:
    quarantine: Counter = Counter()
    ydelser = [
        Service(
            r["bevilling_id"],
            person(r["cpr"]),
            parse_paragraf(r["paragraf"]),
            parse_date(r["startdato"]),
            parse_date(r["slutdato"]),
            r["betalingskommune"],
            r.get("leverandoer_id", ""),
            r.get("sagsbehandler_id", ""),
            parse_number(r.get("timer_pr_uge", "")) or Fraction(0),
            parse_number(r.get("takst", "")) or Fraction(0),
            r.get("takst_enhed", ""),
            parse_bool(r.get("botilbudslignende", "")),
            parse_date(r.get("oprettet_dato", "")),
            maalgruppe_of(r.get("maalgruppe", "")),
        )
        for r in checked_rows(folder, "ydelser", quarantine)
    ]
    anbringelser = [
        Service(
            r["anbringelse_id"],
            person(r["cpr"]),
            r["anbringelsestype"],
            parse_date(r["startdato"]),
            parse_date(r["slutdato"]),
            r["betalingskommune"],
            r.get("leverandoer_id", ""),
            "",
            Fraction(0),
            parse_number(r.get("takst", "")) or Fraction(0),
            r.get("takst_enhed", ""),
            False,
            parse_date(r.get("oprettet_dato", "")),
        )
        for r in checked_rows(folder, "anbringelser", quarantine)
    ]
    engangs = [
        Engang(
            r["bevilling_id"],
            person(r["cpr"]),
            parse_paragraf(r["paragraf"]),
            parse_date(r["bevillingsdato"]),
            parse_number(r["beloeb"]) or Fraction(0),
            r["betalingskommune"],
            r.get("sagsbehandler_id", ""),
            parse_date(r.get("oprettet_dato", "")),
        )
        for r in checked_rows(folder, "engangsbevillinger", quarantine)
    ]
    # a provider whose ejerkommune is not a municipality code is quarantined (kommune_invalid)
    leverandoerer = []
    for r in read_rows(folder, "leverandoerer"):
        if r.get("ejerkommune") and not re.fullmatch(r"0?\d{3}", r["ejerkommune"]):
            quarantine["leverandoerer", "kommune_invalid"] += 1
        else:
            leverandoerer.append(r)
    leverandoertype = {r["leverandoer_id"]: r["leverandoertype"] for r in leverandoerer}
    ejerkommune = {
        r["leverandoer_id"]: r["ejerkommune"][-3:] for r in leverandoerer if r.get("ejerkommune")
    }
    team = {
        r["sagsbehandler_id"]: r["team"].strip()
        for r in read_rows(folder, "sagsbehandlere")
        if r.get("team", "").strip()
    }
    budget: dict[tuple[int, str, str], Fraction] = defaultdict(Fraction)
    for r in read_rows(folder, "budget"):
        budget[int(r["aar"]), r["betalingskommune"], r["omraade"]] += parse_number(r["beloeb"])
    return Data(
        ydelser,
        anbringelser,
        engangs,
        leverandoertype,
        ejerkommune,
        team,
        budget,
        OMRAADE,
        REFUSIONSGRAENSER,
        quarantine,
    )


# ------------------------------------------------------------------------------------------------
# Terms and counting methods (indicators.md), day by day.
# ------------------------------------------------------------------------------------------------


def days(first: date, last: date):
    """Every day of first..last, both included."""
    d = first
    while d <= last:
        yield d
        d += ONE_DAY


def month_end(year: int, month: int) -> date:
    return (date(year + month // 12, month % 12 + 1, 1)) - ONE_DAY


def status_dates(as_of: date) -> list[date]:
    """The given date plus the last day of every month from January of the previous year up to
    it."""
    ends = [month_end(y, m) for y in (as_of.year - 1, as_of.year) for m in range(1, 13)]
    return sorted({d for d in ends if d <= as_of} | {as_of})


def is_known(row, s: date) -> bool:
    """A row is known at s when its oprettet_dato is empty or <= s."""
    return row.oprettet is None or row.oprettet <= s


def is_active(svc: Service, d: date) -> bool:
    """Active on d when startdato <= d and (slutdato is empty or d <= slutdato)."""
    return svc.start <= d and (svc.end is None or d <= svc.end)


def in_group(svc: Service, group: str) -> bool:
    if svc.paragraf not in GROUPS[group]:
        return False
    return not (group == "botilbud" and svc.paragraf == "85" and not svc.botilbudslignende)


def days_in_year(year: int) -> int:
    return (date(year, 12, 31) - date(year, 1, 1)).days + 1


def daily_cost(svc: Service, d: date) -> Fraction:
    """takst for dag; takst x 12 / N for maaned; takst / N for aar; takst x timer_pr_uge / 7 for
    time; N = days in d's year. No takst: 0."""
    n = days_in_year(d.year)
    if not svc.takst:
        return Fraction(0)
    return {
        "dag": svc.takst,
        "maaned": svc.takst * 12 / n,
        "aar": svc.takst / n,
        "time": svc.takst * svc.timer / 7,
    }[svc.enhed]


_cost_cache: dict[tuple[Service, int], Fraction] = {}


def active_days(svc: Service, first: date, last: date) -> int:
    """The number of days of first..last on which the service is active: from its start (or
    first) to its end (or last)."""
    return max(0, (min(last, svc.end or last) - max(first, svc.start)).days + 1)


def cost_in_year(svc: Service, year: int) -> Fraction:
    """The sum of the service's daily cost over every day of J..E on which it is active (an
    open-ended service runs to E). The daily cost is the same on every day of one year, so it is
    the daily cost times the active days."""
    key = (svc, year)
    if key not in _cost_cache:
        first, last = date(year, 1, 1), date(year, 12, 31)
        _cost_cache[key] = daily_cost(svc, first) * active_days(svc, first, last)
    return _cost_cache[key]


class At:
    """Everything computed for one municipality at one status date s (only rows known at s)."""

    def __init__(self, data: Data, kommune: str, s: date):
        self.data, self.kommune, self.s = data, kommune, s
        self.Y = s.year
        self.J, self.E = date(self.Y, 1, 1), date(self.Y, 12, 31)
        self.D = (s - self.J).days + 1  # D(s): J..s, both included
        self.ydelser = [y for y in data.ydelser if y.kommune == kommune and is_known(y, s)]
        self.anbringelser = [
            a for a in data.anbringelser if a.kommune == kommune and is_known(a, s)
        ]
        # engangsbevillinger: the known grants whose bevillingsdato lies in J..s
        self.engangs = [
            e
            for e in data.engangs
            if e.kommune == kommune and is_known(e, s) and self.J <= e.dato <= s
        ]

    def group(self, group: str, paragraf: str | None = None) -> list[Service]:
        return [
            y
            for y in self.ydelser
            if in_group(y, group) and (paragraf is None or y.paragraf == paragraf)
        ]

    def target_group(self, group: str | None, maalgruppe: str) -> list[Service]:
        """The services of a group (None: any ydelse) of one target group."""
        services = self.ydelser if group is None else self.group(group)
        return [y for y in services if y.maalgruppe == maalgruppe]

    # -- counting methods -----------------------------------------------------------------------

    def HM(self, services: list[Service]) -> Fraction:
        """Helaarsmodtagere: (person, day) pairs with d in J..s on which the person has an active
        service of the set, divided by D(s)."""
        pairs = set()
        for svc in services:
            # the days of J..s on which it is active: from its start (or J) to its end (or s)
            first = max(self.J, svc.start)
            last = self.s if svc.end is None else min(self.s, svc.end)
            pairs.update(zip(repeat(svc.cpr), range(first.toordinal(), last.toordinal() + 1)))
        return Fraction(len(pairs), self.D)

    def PT(self, services: list[Service], d: date) -> int:
        """Punkttaelling: persons with an active service of the set on d."""
        return len({svc.cpr for svc in services if is_active(svc, d)})

    def APT(self, services: list[Service]) -> Fraction:
        """Mean of PT over months 1..month(s): the last day of earlier months, s itself for s's
        month."""
        points = [month_end(self.Y, k) for k in range(1, self.s.month)] + [self.s]
        return Fraction(sum(self.PT(services, d) for d in points), len(points))

    def DISP(self, services: list[Service]) -> Fraction:
        """Disposed expenses of year Y as known at s: every known service over J..E."""
        return sum((cost_in_year(svc, self.Y) for svc in services), Fraction(0))

    def DISP_engangs(self, grants: list[Engang] | None = None) -> Fraction:
        """engangsbevillinger: the sum of beloeb of the known grants dated in J..s."""
        return sum((e.beloeb for e in (self.engangs if grants is None else grants)), Fraction(0))


# Output rows: (breakdown, breakdown_value) -> (numerator, denominator, value)
def count(n) -> tuple:
    """A plain count: the denominator is empty and the value is the count."""
    return (float(n), None, float(n))


def ratio(numerator, denominator) -> tuple:
    """value = numerator / denominator, empty where the denominator is 0."""
    return (
        float(numerator),
        float(denominator),
        float(Fraction(numerator) / Fraction(denominator)) if denominator else None,
    )


TOTAL = ("total", "total")


# ------------------------------------------------------------------------------------------------
# The indicators at status date s, one function each.
# ------------------------------------------------------------------------------------------------


def ind_01(at: At) -> dict:
    """Gennemsnitligt antal visiterede timer pr. bruger. numerator: sum over d in J..s of the sum of
    timer_pr_uge of active `timer` services, divided by D(s); denominator: HM(timer, s).
    Breakdown paragraf (83 ... 99), each on its own services."""

    def row(services):
        hours = Fraction(0)
        for svc in services:
            hours += svc.timer * active_days(svc, at.J, at.s)
        return ratio(hours / at.D, at.HM(services))

    out = {TOTAL: row(at.group("timer"))}
    for p in ["83", "85", "95", "96", "97", "98", "99"]:
        out["paragraf", p] = row(at.group("timer", p))
    return out


def ind_02(at: At) -> dict:
    """Antal brugere i botilbud og botilbudslignende tilbud: HM(botilbud, s); paragraf 107, 108,
    85."""
    out = {TOTAL: count(at.HM(at.group("botilbud")))}
    for p in ["107", "108", "85"]:
        out["paragraf", p] = count(at.HM(at.group("botilbud", p)))
    for g in MAALGRUPPER:
        out["maalgruppe", g] = count(at.HM(at.target_group("botilbud", g)))
    return out


def ind_03(at: At) -> dict:
    """Antal brugere i dagforanstaltning: PT(dagtilbud, s); paragraf 103, 104."""
    out = {TOTAL: count(at.PT(at.group("dagtilbud"), at.s))}
    for p in ["103", "104"]:
        out["paragraf", p] = count(at.PT(at.group("dagtilbud", p), at.s))
    for g in MAALGRUPPER:
        out["maalgruppe", g] = count(at.PT(at.target_group("dagtilbud", g), at.s))
    return out


def ind_04(at: At) -> dict:
    """Antal brugere der modtager hjaelperordninger: HM(hjaelperordning, s); paragraf 95, 96."""
    out = {TOTAL: count(at.HM(at.group("hjaelperordning")))}
    for p in ["95", "96"]:
        out["paragraf", p] = count(at.HM(at.group("hjaelperordning", p)))
    for g in MAALGRUPPER:
        out["maalgruppe", g] = count(at.HM(at.target_group("hjaelperordning", g)))
    return out


def ind_05(at: At) -> dict:
    """Antal brugere der modtager omfattende stoetteforanstaltninger: 02 + 03 + 04 (totals);
    paragraf: each paragraph's value from 02-04; maalgruppe: 02 + 03 + 04 of the target group."""
    parts = [ind_02(at), ind_03(at), ind_04(at)]
    out = {TOTAL: count(sum(part[TOTAL][2] for part in parts))}
    for part in parts:
        for key, row in part.items():
            if key[0] == "paragraf":
                out[key] = count(row[2])
    for g in MAALGRUPPER:
        out["maalgruppe", g] = count(sum(part["maalgruppe", g][2] for part in parts))
    return out


def in_oere(amount: Fraction) -> Fraction:
    """A yearly sum in whole oere (half an oere rounds up)."""
    return Fraction(math.floor(amount * 100 + Fraction(1, 2)), 100)


def ind_06(at: At) -> dict:
    """Antal refusionsberettigede sager: persons under 67 on s whose disposed expenses for Y (all
    their known ydelser and engangsbevillinger) exceed the year's lower refusion threshold.
    refusionssats 25 / 50 / 75; udgiftsinterval of every person (any age) with expenses > 0, lower
    bound included. A year the seed lacks gives no rows."""
    if at.Y not in at.data.graenser:
        return {}
    g25, g50, g75 = at.data.graenser[at.Y]
    expenses: dict[str, Fraction] = defaultdict(Fraction)
    for svc in at.ydelser:
        expenses[svc.cpr] += cost_in_year(svc, at.Y)
    for e in at.engangs:
        expenses[e.cpr] += e.beloeb
    expenses = {cpr: in_oere(x) for cpr, x in expenses.items()}

    sats = {"25": 0, "50": 0, "75": 0}
    total = 0
    for cpr, x in expenses.items():
        if age_on(cpr, at.s) < 67 and x > g25:
            total += 1
            if g75 is not None and x > g75:
                sats["75"] += 1
            elif x > g50:
                sats["50"] += 1
            else:
                sats["25"] += 1
    if g75 is None:  # no 75 % step before 2021: no such rate
        del sats["75"]
    out = {TOTAL: count(total)}
    out.update({("refusionssats", k): count(n) for k, n in sats.items()})
    for name, low, high in UDGIFTSINTERVALLER:
        n = sum(1 for x in expenses.values() if x > 0 and x >= low and (high is None or x < high))
        out["udgiftsinterval", name] = count(n)
    return out


def leverandoertype(at: At, svc: Service) -> str:
    """egen when the provider's ejerkommune is the paying municipality, ekstern when another; a
    provider without ejerkommune by its type; a missing or unknown provider ukendt."""
    owner = at.data.ejerkommune.get(svc.leverandoer)
    if owner:
        return "egen" if owner == svc.kommune else "ekstern"
    kind = at.data.leverandoertype.get(svc.leverandoer)
    return "egen" if kind == "egen" else "ekstern" if kind in EKSTERN else "ukendt"


def ind_07(at: At) -> dict:
    """Antal brugere i botilbud fordelt paa egne og eksterne tilbud: HM(botilbud, s);
    leverandoertype egen / ekstern (anden_kommune, region, privat) / ukendt, each HM on its own
    services."""
    botilbud = at.group("botilbud")
    out = {TOTAL: count(at.HM(botilbud))}
    for kind in ["egen", "ekstern", "ukendt"]:
        out["leverandoertype", kind] = count(
            at.HM([s for s in botilbud if leverandoertype(at, s) == kind])
        )
    return out


def ind_08(at: At) -> dict:
    """Antal sager pr. sagsbehandler: numerator (caseworker, person) pairs with an active service on
    s; denominator caseworkers with at least one; value the mean. Breakdown: each caseworker's count
    of persons. A service with no caseworker is nobody's caseload: in no pair at all."""
    pairs = {
        (svc.sagsbehandler, svc.cpr)
        for svc in at.ydelser
        if svc.sagsbehandler and is_active(svc, at.s)
    }
    caseworkers = {sb for sb, _ in pairs}
    out = {TOTAL: ratio(len(pairs), len(caseworkers))}
    for sb in caseworkers:
        out["sagsbehandler", sb] = count(sum(1 for b, _ in pairs if b == sb))
    # team: the same mean over the team's caseworkers (ukendt without a team)
    teams = defaultdict(set)
    for sb in caseworkers:
        teams[at.data.team.get(sb, "ukendt")].add(sb)
    for team, members in teams.items():
        out["team", team] = ratio(sum(1 for b, _ in pairs if b in members), len(members))
    # paragraf:sagsbehandler: each caseworker's persons with an active service of the paragraph
    by_paragraph = {
        (svc.paragraf, svc.sagsbehandler, svc.cpr)
        for svc in at.ydelser
        if svc.sagsbehandler and is_active(svc, at.s)
    }
    for p, sb in {(p, sb) for p, sb, _ in by_paragraph}:
        out["paragraf:sagsbehandler", f"{p}:{sb}"] = count(
            sum(1 for q, b, _ in by_paragraph if (q, b) == (p, sb))
        )
    return out


def aldersgruppe(age: int) -> str:
    return next(name for name, low, high in ALDERSGRUPPER if low <= age <= high)


def ind_09(at: At) -> dict:
    """Aldersfordeling af modtagere: persons with any active service on s; aldersgruppe (age on s),
    and the same for the persons of each group (botilbud, dagtilbud, hjaelperordning)."""

    def breakdown(name, services):
        persons = {svc.cpr for svc in services if is_active(svc, at.s)}
        rows = {(name, g): 0 for g, _, _ in ALDERSGRUPPER}
        for cpr in persons:
            rows[name, aldersgruppe(age_on(cpr, at.s))] += 1
        return persons, {k: count(n) for k, n in rows.items()}

    persons, out = breakdown("aldersgruppe", at.ydelser)
    out[TOTAL] = count(len(persons))
    for group in ["botilbud", "dagtilbud", "hjaelperordning"]:
        out.update(breakdown(f"aldersgruppe:{group}", at.group(group))[1])
    for g in MAALGRUPPER:
        out["maalgruppe", g] = count(at.PT(at.target_group(None, g), at.s))
    return out


def ind_10(at: At) -> dict:
    """Udgifter pr. ydelse fordelt paa sagsbehandlere: numerator DISP of the selected paragraphs;
    denominator persons with such a service whose cost in Y is > 0; the same per caseworker.
    Services with no caseworker count in the total only."""
    selected = [svc for svc in at.ydelser if svc.paragraf in PARAGRAFFER_10]

    def row(services):
        persons = {svc.cpr for svc in services if cost_in_year(svc, at.Y) > 0}
        return ratio(at.DISP(services), len(persons))

    out = {TOTAL: row(selected)}
    for sb in {svc.sagsbehandler for svc in selected if svc.sagsbehandler}:
        out["sagsbehandler", sb] = row([svc for svc in selected if svc.sagsbehandler == sb])
    for p, sb in {(svc.paragraf, svc.sagsbehandler) for svc in selected if svc.sagsbehandler}:
        out["paragraf:sagsbehandler", f"{p}:{sb}"] = row(
            [svc for svc in selected if (svc.paragraf, svc.sagsbehandler) == (p, sb)]
        )
    return out


def omraade(at: At, svc: Service) -> str | None:
    """The budget area of a service: the paragraph catalogue's, §85 botilbudslignende is
    botilbud."""
    if svc.paragraf == "85" and svc.botilbudslignende:
        return "botilbud"
    return at.data.omraade.get(svc.paragraf)


def ind_11(at: At) -> dict:
    """Disponerede udgifter som andel af budget: numerator DISP of all ydelser and
    engangsbevillinger; denominator the year's budget (sum of budget.beloeb); omraade each."""
    budget = {o: at.data.budget.get((at.Y, at.kommune, o), Fraction(0)) for o in OMRAADER}
    total_budget = sum(
        (b for (y, k, _), b in at.data.budget.items() if y == at.Y and k == at.kommune), Fraction(0)
    )
    out = {TOTAL: ratio(at.DISP(at.ydelser) + at.DISP_engangs(), total_budget)}
    for o in OMRAADER:
        disp = at.DISP([svc for svc in at.ydelser if omraade(at, svc) == o])
        disp += at.DISP_engangs([e for e in at.engangs if at.data.omraade.get(e.paragraf) == o])
        out["omraade", o] = ratio(disp, budget[o])
    return out


def ind_12(at: At) -> dict:
    """Disponerede udgifter pr. bruger i botilbud: DISP(botilbud, s) / HM(botilbud, s); 107, 108,
    85."""
    out = {TOTAL: ratio(at.DISP(at.group("botilbud")), at.HM(at.group("botilbud")))}
    for p in ["107", "108", "85"]:
        out["paragraf", p] = ratio(at.DISP(at.group("botilbud", p)), at.HM(at.group("botilbud", p)))
    return out


def ind_13(at: At) -> dict:
    """Disponerede udgifter pr. bruger i dagforanstaltning: DISP(dagtilbud, s) / APT(dagtilbud,
    s)."""
    out = {TOTAL: ratio(at.DISP(at.group("dagtilbud")), at.APT(at.group("dagtilbud")))}
    for p in ["103", "104"]:
        out["paragraf", p] = ratio(
            at.DISP(at.group("dagtilbud", p)), at.APT(at.group("dagtilbud", p))
        )
    return out


def ind_14(at: At) -> dict:
    """Disponerede udgifter pr. modtager af hjaelperordning: DISP / HM (hjaelperordning); 95, 96."""
    out = {TOTAL: ratio(at.DISP(at.group("hjaelperordning")), at.HM(at.group("hjaelperordning")))}
    for p in ["95", "96"]:
        out["paragraf", p] = ratio(
            at.DISP(at.group("hjaelperordning", p)), at.HM(at.group("hjaelperordning", p))
        )
    return out


def ind_15(at: At) -> dict:
    """Disponerede udgifter pr. modtager til merudgiftsydelser og hjaelpemidler. 100:
    DISP(merudgift, s) / PT(merudgift, s); 112 and 114, each: that paragraph's engangsbevillinger
    DISP / persons with a known grant of it dated in J..s; total: the three numerators summed /
    persons in any part, once."""
    merudgift = at.group("merudgift")
    persons = {"100": {svc.cpr for svc in merudgift if is_active(svc, at.s)}}
    disp = {"100": at.DISP(merudgift)}
    for p in ["112", "114"]:
        grants = [e for e in at.engangs if e.paragraf == p]
        persons[p], disp[p] = {e.cpr for e in grants}, at.DISP_engangs(grants)
    out = {TOTAL: ratio(sum(disp.values()), len(set().union(*persons.values())))}
    for p in ["100", "112", "114"]:
        out["paragraf", p] = ratio(disp[p], len(persons[p]))
    return out


def ind_a1(at: At) -> dict:
    """Antal anbragte boern fordelt paa anbringelsestyper: HM of all placements; each type's HM."""
    out = {TOTAL: count(at.HM(at.anbringelser))}
    for t in ANBRINGELSESTYPER:
        out["anbringelsestype", t] = count(at.HM([a for a in at.anbringelser if a.paragraf == t]))
    return out


def spells(at: At, group: str | None) -> dict[str, list[tuple[date, date | None]]]:
    """indicators.md, "Spells": per person, the maximal runs of consecutive days with an active
    known service of the set (None: alle, any ydelse), as (first day, last day or None when a
    service in it is open-ended); one ending on d and one starting on d + 1 are one run."""
    services = at.ydelser if group is None else at.group(group)
    per_person: dict[str, list[Service]] = defaultdict(list)
    for svc in services:
        per_person[svc.cpr].append(svc)
    out = {}
    for cpr, own in per_person.items():
        runs: list[list] = []
        for svc in sorted(own, key=lambda svc: svc.start):
            last = runs[-1] if runs else None
            if last and (last[1] is None or svc.start <= last[1] + ONE_DAY):
                if last[1] is not None:
                    last[1] = None if svc.end is None else max(last[1], svc.end)
            else:
                runs.append([svc.start, svc.end])
        out[cpr] = [(first, end) for first, end in runs]
    return out


SPELL_SETS = {
    TOTAL: None,
    **{("gruppe", g): g for g in ["botilbud", "dagtilbud", "hjaelperordning"]},
}


def in_month(at: At, d: date | None) -> bool:
    """M(s): the first of s's month to s, both included."""
    return d is not None and at.s.replace(day=1) <= d <= at.s


def ind_f1(at: At) -> dict:
    """Tilgang: persons with a spell of alle that starts in M(s); gruppe on its own spells."""
    return {
        key: count(sum(any(in_month(at, f) for f, _ in runs) for runs in spells(at, g).values()))
        for key, g in SPELL_SETS.items()
    }


def ind_f2(at: At) -> dict:
    """Afgang: persons with a spell of alle whose last day lies in M(s); gruppe likewise."""
    return {
        key: count(sum(any(in_month(at, e) for _, e in runs) for runs in spells(at, g).values()))
        for key, g in SPELL_SETS.items()
    }


def ind_v1(at: At) -> dict:
    """Varighed: over the spells of alle active on s, the sum of s - first day + 1 over their
    number; gruppe on its own spells, aldersgruppe by the person's age on s."""
    out = {}
    for key, g in SPELL_SETS.items():
        active = [
            (cpr, (at.s - f).days + 1)
            for cpr, runs in spells(at, g).items()
            for f, e in runs
            if f <= at.s and (e is None or at.s <= e)
        ]
        out[key] = ratio(sum(n for _, n in active), len(active))
        if g is None:
            for band, *_ in ALDERSGRUPPER:
                mine = [n for cpr, n in active if aldersgruppe(age_on(cpr, at.s)) == band]
                out["aldersgruppe", band] = ratio(sum(mine), len(mine))
    return out


def read_befolkning(folder: Path) -> dict[tuple[str, int], dict[int, int]]:
    """extracts.md, befolkning: (kommunekode, aar) -> {alder: antal}, rows of the same year,
    municipality and age summed over any other column ('100+' read as 100); rows that break a rule
    are left out."""
    out: dict[tuple[str, int], dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for r in read_rows(folder, "befolkning"):
        aar, kode, alder, antal = (r.get(c, "") for c in ("aar", "kommunekode", "alder", "antal"))
        if not (
            re.fullmatch(r"\d{4}", aar)
            and re.fullmatch(r"0?\d{3}", kode)
            and re.fullmatch(r"\d+\+?", alder)
            and re.fullmatch(r"\d+", antal)
        ):
            continue
        out[kode[-3:], int(aar)][int(alder.rstrip("+"))] += int(antal)
    return out


def per_capita(indicator: str, rows: dict, population: dict[int, int] | None) -> dict:
    """indicators.md, "Per capita": 02-05 per 1,000 inhabitants aged 18-64 (the total's value x
    1000), 11 per inhabitant (its total numerator); none without the year's population."""
    if population is None:
        return {}
    if indicator in ("02", "03", "04", "05"):
        p = sum(n for alder, n in population.items() if 18 <= alder <= 64)
        return {("pr_1000_18_64", "total"): ratio(Fraction(rows[TOTAL][2]) * 1000, p)}
    if indicator == "11":
        return {
            ("pr_indbygger", "total"): ratio(Fraction(rows[TOTAL][0]), sum(population.values()))
        }
    return {}


INDICATOR_FUNCTIONS = {
    "01": ind_01,
    "02": ind_02,
    "03": ind_03,
    "04": ind_04,
    "05": ind_05,
    "06": ind_06,
    "07": ind_07,
    "08": ind_08,
    "09": ind_09,
    "10": ind_10,
    "11": ind_11,
    "12": ind_12,
    "13": ind_13,
    "14": ind_14,
    "15": ind_15,
    "A1": ind_a1,
    "F1": ind_f1,
    "F2": ind_f2,
    "V1": ind_v1,
}


def reference(folder: Path, as_of: date) -> dict[tuple, tuple]:
    """(kommunekode, status_date, indicator, breakdown, breakdown_value) -> (numerator, denominator,
    value) for every municipality and status date."""
    data = read_data(folder)
    kommuner = (
        {y.kommune for y in data.ydelser}
        | {a.kommune for a in data.anbringelser}
        | {e.kommune for e in data.engangs}
        | {k for _, k, _ in data.budget}
    )
    befolkning = read_befolkning(folder)
    out = {}
    for kommune in sorted(kommuner):
        for s in status_dates(as_of):
            at = At(data, kommune, s)
            for indicator, function in INDICATOR_FUNCTIONS.items():
                rows = function(at)
                rows |= per_capita(indicator, rows, befolkning.get((kommune, s.year)))
                for (breakdown, value), row in rows.items():
                    out[kommune, s, indicator, breakdown, value] = row
    return out


# ------------------------------------------------------------------------------------------------
# Builds and comparison
# ------------------------------------------------------------------------------------------------


def quarantined(warehouse: Path) -> Counter:
    """(extract, reason) -> rows in the build's audit.quarantine."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        found = con.sql("SELECT extract, reason, count(*) FROM audit.quarantine GROUP BY ALL")
        return Counter({(extract, code): n for extract, code, n in found.fetchall()})


def built_rows(warehouse: Path) -> dict[tuple, tuple]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        rows = con.sql(
            "SELECT kommunekode, status_date, indicator, breakdown, breakdown_value, "
            "numerator, denominator, value FROM marts.indicator_values"
        ).fetchall()
    out = {}
    for *key, num, den, val in rows:
        assert tuple(key) not in out, f"duplicate row {key}"
        out[tuple(key)] = (num, den, val)
    return out


@dataclass(frozen=True)
class Variant:
    """Extracts written by the generator (GENERATOR's size) as of `written`, edited by harden() if
    `hard`, built and computed at status date `as_of`."""

    written: date
    as_of: date
    hard: bool = False


GENERATOR = {"grants": 1500, "municipalities": 3, "seed": 11}
# Three years: 2022 (the hard extract also at a status date that is not a month end); 2020, a
# leap year whose thresholds have no 75 % step, with 2019's status dates, a year without
# thresholds; and 29 February 2024, a leap day, with 2023 and 2024, both without thresholds.
VARIANTS = {
    "plain": Variant(AS_OF, AS_OF),
    "hard": Variant(AS_OF, AS_OF, hard=True),
    "hard_mid_month": Variant(AS_OF, date(2022, 3, 17), hard=True),
    "leap_2020": Variant(date(2020, 12, 31), date(2020, 12, 31)),
    "leap_day_2024": Variant(date(2024, 2, 29), date(2024, 2, 29)),
}


@pytest.fixture(scope="module", params=list(VARIANTS))
def variant(request, tmp_path_factory):
    folder = tmp_path_factory.mktemp(f"ref_{request.param}")
    extracts = folder / "extracts"
    v = VARIANTS[request.param]
    write_extracts(extracts, **GENERATOR, as_of=v.written)
    if v.hard:
        harden(extracts)
    warehouse = folder / "lis.duckdb"
    as_of = v.as_of
    assert build(warehouse, extracts=extracts, as_of=as_of.isoformat()) == 0
    return (
        request.param,
        built_rows(warehouse),
        reference(extracts, as_of),
        quarantined(warehouse),
        read_data(extracts).quarantine,
    )


def same(a, b) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return math.isclose(a, b, rel_tol=1e-11, abs_tol=1e-6)


def is_zero_or_empty(row) -> bool:
    return row[2] is None or abs(row[2]) < 1e-9


def differences(built: dict, ref: dict, indicator: str) -> list[str]:
    problems = []
    for key in sorted(set(built) | set(ref), key=str):
        if key[2] != indicator:
            continue
        b, r = built.get(key), ref.get(key)
        where = "/".join(map(str, key))
        if b is None:
            if key[3] == "total":
                problems.append(f"{where}: total row missing from the build (reference {r})")
            elif not is_zero_or_empty(r):
                problems.append(f"{where}: only in the reference {r}")
        elif r is None:
            if not is_zero_or_empty(b):
                problems.append(f"{where}: only in the build {b}")
        elif not all(same(x, y) for x, y in zip(b, r, strict=True)):
            problems.append(f"{where}: build {b} != reference {r}")
    return problems


# Indicators whose disagreement with the reference is a known, confirmed build defect, per variant:
# {("hard", "01"): "reason"}. Each is xfail(strict=True), so a fix makes the test fail until the
# mark is removed.
KNOWN_DEFECTS: dict[tuple[str, str], str] = {}


@pytest.mark.parametrize("indicator", INDICATORS)
def test_build_matches_reference(variant, indicator, request):
    name, built, ref, *_ = variant
    if (name, indicator) in KNOWN_DEFECTS:
        request.applymarker(pytest.mark.xfail(strict=True, reason=KNOWN_DEFECTS[name, indicator]))
    if indicator != "06" or any(
        s.year in REFUSIONSGRAENSER for s in status_dates(VARIANTS[name].as_of)
    ):
        assert any(k[2] == indicator for k in ref), "the reference has no rows for this indicator"
    problems = differences(built, ref, indicator)
    assert not problems, f"{len(problems)} differences, first ones:\n" + "\n".join(problems[:25])


def test_06_has_the_rows_of_the_thresholds_its_year_has(variant):
    """indicators.md: a year the seed lacks gives no rows for 06, and a year with no graense_75
    (2020) has no 75 % rate: the build and the reference have no such row, not even a 0."""
    name, built, ref, *_ = variant
    for s in status_dates(VARIANTS[name].as_of):
        allowed = {TOTAL, *(("udgiftsinterval", i) for i, _, _ in UDGIFTSINTERVALLER)}
        if s.year not in REFUSIONSGRAENSER:
            allowed = set()
        elif REFUSIONSGRAENSER[s.year][2] is None:
            allowed |= {("refusionssats", "25"), ("refusionssats", "50")}
        else:
            allowed |= {("refusionssats", r) for r in ("25", "50", "75")}
        for rows, side in ((built, "build"), (ref, "reference")):
            found = {(k[3], k[4]) for k in rows if k[1] == s and k[2] == "06"}
            assert found <= allowed, f"{side}, {s}: 06 rows {sorted(found - allowed)}"
            assert (TOTAL in found) == (TOTAL in allowed), f"{side}, {s}: 06's total row"


def test_the_generator_writes_every_value_of_every_mapping(tmp_path):
    """Each variant's extracts, as the reference reads them (its own tables, not the project's
    seeds), hold every value of every mapping on rows that count at one of its status dates (known
    by the status date, active or dated in the status dates' years): every paragraph of the
    catalogue (those in no group too), every price unit, 85 with and without botilbudslignende,
    every placement type, every provider type among botilbud's providers."""
    for written in sorted({v.written for v in VARIANTS.values()}):
        folder = tmp_path / written.isoformat()
        write_extracts(folder, **GENERATOR, as_of=written)
        data = read_data(folder)
        assert not data.quarantine, written
        first = date(written.year - 1, 1, 1)
        services = [y for y in data.ydelser if is_known(y, written) and _in(y, first, written)]
        placements = [
            a for a in data.anbringelser if is_known(a, written) and _in(a, first, written)
        ]
        one_offs = [e for e in data.engangs if is_known(e, written) and first <= e.dato <= written]
        assert {y.paragraf for y in services} == CATALOGUE["ydelser"], written
        assert {e.paragraf for e in one_offs} == CATALOGUE["engangsbevillinger"], written
        assert {y.enhed for y in services if y.takst} == UNITS, written
        assert {y.botilbudslignende for y in services if y.paragraf == "85"} == {True, False}
        assert {a.paragraf for a in placements} == set(ANBRINGELSESTYPER), written
        botilbud = [y for y in services if in_group(y, "botilbud")]
        assert {data.leverandoertype.get(y.leverandoer) for y in botilbud} >= {"egen", *EKSTERN}


def _in(svc: Service, first: date, last: date) -> bool:
    """Active on some day of first..last."""
    return svc.start <= last and (svc.end is None or svc.end >= first)


# ------------------------------------------------------------------------------------------------
# The harder variant: the generator's ydelser edited in Python, every row still valid.
# ------------------------------------------------------------------------------------------------


def _fmt_date(d: date | None) -> str:
    return "" if d is None else d.strftime("%d-%m-%Y")


def _read_extract(path: Path) -> tuple[list[str], list[dict]]:
    with path.open(encoding="cp1252", newline="") as f:
        reader = csv.DictReader(f, delimiter=";")
        return reader.fieldnames, list(reader)


def _write_extract(path: Path, header: list[str], rows: list[dict]) -> None:
    with path.open("w", encoding="cp1252", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=header, delimiter=";", lineterminator="\r\n")
        writer.writeheader()
        writer.writerows(rows)


def _start(r: dict) -> date:
    return parse_date(r["startdato"])


def _end(r: dict) -> date | None:
    return parse_date(r["slutdato"])


# month ends a grant or placement may end on: also 31 December 2020 and the as-of itself
MONTH_ENDS = [date(2020, 12, 31), *status_dates(AS_OF)]


def harden(folder: Path, seed: int = 2022) -> None:
    """Edit the generator's extracts in `folder`: every kind of case below, and the rows for the
    quarantine (test_quarantine_follows_the_contracts_rules). One random stream, in this order."""
    rng = random.Random(seed)
    path = folder / "ydelser.csv"
    header, rows = _read_extract(path)
    # rows that matter for 2021-2022 (active some day from 1 January 2021, started by the as-of)
    relevant = [
        r for r in rows if _start(r) <= AS_OF and (_end(r) is None or _end(r) >= date(2021, 1, 1))
    ]
    new_rows = overlapping_copies(rows, relevant, rng)
    pool = list(relevant)
    rng.shuffle(pool)
    edit_registrations_ends_and_spellings(pool, rng)
    new_rows += no_group_copies(pool)
    edit_target_groups_and_providers(pool, rows, rng)
    some = pool[240]
    template = dict(
        some,
        leverandoer_id="",
        sagsbehandler_id=some["sagsbehandler_id"] or "",
        timer_pr_uge="",
        takst="",
        takst_enhed="",
        botilbudslignende="nej",
        maalgruppe="",
        oprettet_dato="",
    )
    new_rows += edge_grants(template, pool) + threshold_grants(template)
    _write_extract(path, header, rows + new_rows + dirty_ydelser(rows, rng))

    edit_owners(folder)

    path = folder / "engangsbevillinger.csv"
    header, rows = _read_extract(path)
    rows += edge_one_offs(rows, some)
    _write_extract(path, header, rows + quarantined_one_offs(rows))

    path = folder / "anbringelser.csv"
    header, rows = _read_extract(path)
    edit_placements(rows, rng)
    _write_extract(path, header, rows + quarantined_placements(rows))


def overlapping_copies(rows: list[dict], relevant: list[dict], rng: random.Random) -> list[dict]:
    """1. overlapping grants of the same person and paragraph (another provider, caseworker,
    price)."""
    caseworkers = defaultdict(list)
    providers = defaultdict(list)
    for r in rows:
        if r["sagsbehandler_id"]:
            caseworkers[r["betalingskommune"]].append(r["sagsbehandler_id"])
        if r["leverandoer_id"]:
            providers[r["betalingskommune"]].append(r["leverandoer_id"])
    copies = []
    for i, r in enumerate(rng.sample(relevant, 80)):
        s0 = max(_start(r), date(2020, 12, 1)) + timedelta(days=rng.randint(0, 150))
        if _end(r) is not None and s0 > _end(r):
            s0 = _end(r)
        e0 = rng.choice([None, s0 + timedelta(days=rng.randint(0, 400))])
        copy = dict(
            r,
            bevilling_id=f"X{i:07d}",
            startdato=_fmt_date(s0),
            slutdato=_fmt_date(e0),
            oprettet_dato="",
        )
        if rng.random() < 0.5:
            copy["sagsbehandler_id"] = rng.choice(caseworkers[r["betalingskommune"]])
        if rng.random() < 0.5:
            copy["leverandoer_id"] = rng.choice(providers[r["betalingskommune"]] + [""])
        if copy["takst"]:
            copy["takst"] = (
                f"{float(parse_number(r['takst'])) * rng.choice([0.5, 1, 1.3]):.2f}".replace(
                    ".", ","
                )
            )
        if r["paragraf"] == "85" and rng.random() < 0.3:
            copy["botilbudslignende"] = "ja" if r["botilbudslignende"] == "nej" else "nej"
        copies.append(copy)
    return copies


def edit_registrations_ends_and_spellings(pool: list[dict], rng: random.Random) -> None:
    """2.-5. edits of the (shuffled) grants in place, each kind on its own slice of `pool`."""
    # 2. late registrations: oprettet_dato after startdato, many after one or more status dates,
    #    a few after the as-of (unknown at every status date)
    for r in pool[:70]:
        r["oprettet_dato"] = _fmt_date(
            max(_start(r), date(2021, 1, 1)) + timedelta(days=rng.randint(1, 200))
        )
    for r in pool[70:75]:
        r["oprettet_dato"] = _fmt_date(AS_OF + timedelta(days=rng.randint(1, 30)))
    # early registration (before the start) changes nothing
    for r in pool[75:85]:
        r["oprettet_dato"] = _fmt_date(_start(r) - timedelta(days=rng.randint(1, 60)))
    # 3. grants that end exactly on a month end
    for r in pool[85:135]:
        candidates = [d for d in MONTH_ENDS if d >= _start(r)]
        if candidates:
            r["slutdato"] = _fmt_date(rng.choice(candidates))
    # 4. no caseworker
    for r in pool[135:160]:
        r["sagsbehandler_id"] = ""
    # 5. the contract's other spellings of CPR and paragraph
    for r in pool[160:200]:
        r["cpr"] = r["cpr"].replace("-", "")
    for r in pool[200:240]:
        r["paragraf"] = rng.choice(
            ["§{}", "§ {}", "SEL § {}", "{} stk. 1", "SEL-{}-1", "SEL-{}-2.1", "SEL-{}-jfr. § 84"]
        ).format(r["paragraf"])


def no_group_copies(pool: list[dict]) -> list[dict]:
    """5b. paragraphs in no group, as extracts write them: copies of grants under another
    paragraph."""
    return [
        dict(r, bevilling_id=f"N{i:07d}", paragraf=paragraf, botilbudslignende="nej")
        for i, (r, paragraf) in enumerate(
            zip(
                pool[250:260],
                ["§ 82 a", "82A", "82b", "SEL § 84", "86", "102 stk. 2"]
                + ["SEL-82-a.1", "SEL-82-b", "SEL-84-1", "SEL-102-jfr. § 85"],
                strict=False,
            )
        )
    ]


def edit_target_groups_and_providers(pool: list[dict], rows: list[dict], rng) -> None:
    """5c. target groups as case systems write them: other cases and spellings, codes deeper in
    the DST tree, a code of no group (1.10 is not under 1.1), unknown texts, nothing after
    normalisation; 5d. providers of another municipality (their ejerkommune is not the payer)."""
    for r in pool[262:292]:
        r["maalgruppe"] = rng.choice(
            ["UDVIKLINGSHÆMNING", "Intellektuel / kognitiv forstyrrelse", "1.2.1.9.9", "1.2.2",
             "1.10", "1.2", "Tinnitus", "-", "Socialt problem", "1.1.4.2"]
        )  # fmt: skip
    everyone = sorted({r["leverandoer_id"] for r in rows if r["leverandoer_id"]})
    for r in pool[292:312]:
        r["leverandoer_id"] = rng.choice(everyone)


def edit_owners(folder: Path) -> None:
    """Providers' owners: one written with a leading zero (0751), one that is no municipality
    code (quarantined, its services ukendt)."""
    path = folder / "leverandoerer.csv"
    header, owners = _read_extract(path)
    owned = [r for r in owners if r["ejerkommune"]]
    owned[0]["ejerkommune"] = "0" + owned[0]["ejerkommune"]
    owned[1]["ejerkommune"] = "Aarhus"
    _write_extract(path, header, owners)


def edge_grants(template: dict, pool: list[dict]) -> list[dict]:
    """6.-8. grants at the edges of the status dates and of age bands."""
    # 6. grants that start on the as-of (one open-ended BPA, one single-day day service), and a
    #    single-day grant on an earlier status date, each for a person who has other grants
    return [
        dict(
            template,
            bevilling_id="Z0000001",
            paragraf="96",
            startdato=_fmt_date(AS_OF),
            slutdato="",
            timer_pr_uge="37,5",
            takst="150000,00",
            takst_enhed="maaned",
        ),
        dict(
            template,
            bevilling_id="Z0000002",
            cpr=pool[241]["cpr"],
            betalingskommune=pool[241]["betalingskommune"],
            paragraf="104",
            startdato=_fmt_date(AS_OF),
            slutdato=_fmt_date(AS_OF),
            takst="800,00",
            takst_enhed="dag",
            sagsbehandler_id="",
        ),
        dict(
            template,
            bevilling_id="Z0000003",
            paragraf="107",
            startdato="31-01-2021",
            slutdato="31-01-2021",
            takst="2500,00",
            takst_enhed="dag",
            oprettet_dato="15-02-2021",
        ),
        dict(
            template,
            bevilling_id="Z0000004",
            paragraf="85",
            botilbudslignende="ja",
            startdato="01-01-2021",
            slutdato="31-12-2021",
            timer_pr_uge="12,5",
            takst="450,00",
            takst_enhed="time",
        ),
        # 7. persons born on 29 February whose age band changes around the 28 February status dates:
        #    18 (2004), 50 (1972) in 2022, 65 (1956) in 2021
        dict(
            template,
            bevilling_id="Z0000005",
            cpr="290204-4012",
            paragraf="104",
            startdato="01-06-2020",
            takst="600,00",
            takst_enhed="dag",
        ),
        dict(
            template,
            bevilling_id="Z0000006",
            cpr="290272-1013",
            paragraf="107",
            startdato="01-06-2020",
            takst="2000,00",
            takst_enhed="dag",
        ),
        dict(
            template,
            bevilling_id="Z0000007",
            cpr="290256-2014",
            paragraf="96",
            startdato="01-06-2020",
            timer_pr_uge="20",
            takst="90000,00",
            takst_enhed="maaned",
        ),
        # 8. known grants that start after the status date (disposed for their year, not counted),
        #    one registered before it starts, one starting next year
        dict(
            template,
            bevilling_id="Z0000008",
            paragraf="108",
            startdato="01-06-2022",
            takst="1500,00",
            takst_enhed="dag",
        ),
        dict(
            template,
            bevilling_id="Z0000009",
            paragraf="103",
            startdato="01-05-2021",
            slutdato="30-11-2021",
            takst="120000,00",
            takst_enhed="aar",
            oprettet_dato="15-03-2021",
        ),
        dict(
            template,
            bevilling_id="Z0000010",
            paragraf="100",
            startdato="01-01-2023",
            takst="3000,00",
            takst_enhed="maaned",
        ),
    ]


def threshold_grants(template: dict) -> list[dict]:
    # 9. yearly sums exactly on and just around the refusion thresholds and interval bounds, for
    #    persons under 67 with one open-ended §108 from 1 January 2021 each: "exceed" is strict, an
    #    interval's lower bound is included, sums are compared in whole oere
    grants = []
    for i, (takst, enhed) in enumerate(
        [
            ("860000,00", "aar"),  # 2021: > 850,000 -> 25; 2022: = 860,000 -> not counted
            ("1680000,00", "aar"),  # 2021: > 1,660,000 -> 50; 2022: = graense_50 -> 25
            ("2120000,00", "aar"),  # 2021: > 2,090,000 -> 75; 2022: = graense_75 -> 50
            ("2000000,00", "aar"),  # interval 2000000+ (lower bound included)
            ("250000,00", "aar"),  # interval 250000-500000
            ("71666,67", "maaned"),  # 860,000.04 a year: above 860,000 by 4 oere
            ("2356,16439", "dag"),  # 860,000.00235 a year: 860,000.00 in whole oere, not above
        ]
    ):
        grants.append(
            dict(
                template,
                bevilling_id=f"Z00001{i:02d}",
                cpr=f"0101{80 + i}-10{i:02d}",
                paragraf="108",
                startdato="01-01-2021",
                takst=takst,
                takst_enhed=enhed,
                sagsbehandler_id="",
            )
        )
    return grants


def edge_one_offs(rows: list[dict], some: dict) -> list[dict]:
    """One-off grants dated on the as-of, on 1 January, and one dated 31 December 2021 but
    registered in 2022 (never known at a 2021 status date)."""
    kommune = rows[0]["betalingskommune"]
    extra = dict(
        rows[0], cpr=some["cpr"], betalingskommune=some["betalingskommune"], oprettet_dato=""
    )
    return [
        dict(
            extra,
            bevilling_id="EZ000001",
            paragraf="114",
            bevillingsdato=_fmt_date(AS_OF),
            beloeb="150000,00",
        ),
        dict(
            extra,
            bevilling_id="EZ000002",
            paragraf="112",
            bevillingsdato="01-01-2022",
            beloeb="9999,99",
        ),
        dict(
            extra,
            bevilling_id="EZ000003",
            paragraf="112",
            bevillingsdato="31-12-2021",
            beloeb="5000,00",
            oprettet_dato="05-01-2022",
        ),
        dict(
            extra,
            bevilling_id="EZ000004",
            cpr="010185-1099",
            betalingskommune=kommune,
            paragraf="112",
            bevillingsdato="15-02-2021",
            beloeb="12345,50",
            oprettet_dato="20-03-2021",
        ),
    ]


def edit_placements(rows: list[dict], rng: random.Random) -> None:
    """The same kinds of edits on the placements: late registrations and month-end ends."""
    for i, r in enumerate(rows):
        s0 = parse_date(r["startdato"])
        if i % 4 == 0 and s0 <= AS_OF:
            r["oprettet_dato"] = _fmt_date(
                max(s0, date(2021, 1, 1)) + timedelta(days=rng.randint(1, 120))
            )
        elif i % 4 == 1:
            candidates = [d for d in MONTH_ENDS if d >= s0]
            if candidates:
                r["slutdato"] = _fmt_date(rng.choice(candidates))


# ------------------------------------------------------------------------------------------------
# The hard variants' rows for the quarantine (harden() adds them), and the test that reads them.
# ------------------------------------------------------------------------------------------------


def dirty_ydelser(rows: list[dict], rng: random.Random) -> list[dict]:
    """Rows that break one rule each of extracts.md's reason-code table, copied from valid rows of
    `rows` under new ids; and an exact copy of one row (one copy is kept) and a differing row under
    the id of another (both go: the reference loses a valid row too)."""
    template = dict(rows[0], takst="100,00", takst_enhed="dag", slutdato="", oprettet_dato="")
    broken = [
        dict(template, cpr=""),  # missing_required
        dict(template, cpr="310280-1234"),  # cpr_invalid: 31 February
        dict(template, oprettet_dato="30-02-2022"),  # date_invalid
        dict(template, slutdato="31-04-2021"),  # date_invalid
        dict(template, startdato="01-03-2021", slutdato="28-02-2021"),  # period_invalid
        dict(template, paragraf="110"),  # paragraf_unknown
        dict(template, takst="-100,00"),  # number_invalid
        dict(template, timer_pr_uge="ca. 5"),  # number_invalid
        dict(template, takst_enhed="uge"),  # unit_invalid
    ]
    out = [dict(r, bevilling_id=f"Q{i:07d}") for i, r in enumerate(broken)]
    copied, conflicting = rng.sample([r for r in rows[1:] if r["takst"]], 2)
    price = parse_number(conflicting["takst"]) + 1
    out.append(dict(copied))  # duplicate_exact
    out.append(dict(conflicting, takst=f"{float(price):.2f}".replace(".", ",")))
    return out


def quarantined_one_offs(rows: list[dict]) -> list[dict]:
    """Rows for the quarantine: a negative amount, a ydelser paragraph, a later exact copy."""
    return [
        dict(rows[1], bevilling_id="EQ000001", beloeb="-500,00"),
        dict(rows[2], bevilling_id="EQ000002", paragraf="107"),
        dict(rows[3]),
    ]


def quarantined_placements(rows: list[dict]) -> list[dict]:
    """One row for the quarantine (30 placements: one bad row is 3 %, under the 5 % limit)."""
    return [dict(rows[0], anbringelse_id="AQ000001", oprettet_dato="31-04-2021")]


def test_quarantine_follows_the_contracts_rules(variant):
    """The rows the build quarantined are those the reference left out, by extract and reason;
    the hard variants have some of every kind harden() injects."""
    name, _, _, built, ref = variant
    assert built == ref
    if VARIANTS[name].hard:
        assert set(ref) == {
            ("ydelser", code)
            for code in [
                "missing_required",
                "cpr_invalid",
                "date_invalid",
                "period_invalid",
                "paragraf_unknown",
                "number_invalid",
                "unit_invalid",
                "duplicate_exact",
                "duplicate_conflict",
            ]
        } | {
            ("engangsbevillinger", "number_invalid"),
            ("engangsbevillinger", "paragraf_unknown"),
            ("leverandoerer", "kommune_invalid"),
            ("engangsbevillinger", "duplicate_exact"),
            ("anbringelser", "date_invalid"),
        }


def test_reference_reproduces_the_worked_example():
    """The reference itself against ../shared/examples/small (tests/fixtures/small): every row of
    expected_2022-03-31.csv, to the 6 decimals it is written with."""
    ref = reference(SMALL / "extracts", AS_OF)
    expected = {}
    with (SMALL / "expected_2022-03-31.csv").open(encoding="utf-8") as f:
        for r in csv.DictReader(f, delimiter=";"):
            row = tuple(
                float(r[c]) if r[c] else None for c in ("numerator", "denominator", "value")
            )
            expected[
                r["kommunekode"], AS_OF, r["indicator"], r["breakdown"], r["breakdown_value"]
            ] = row
    problems = []
    for key in sorted(set(expected) | {k for k in ref if k[1] == AS_OF}, key=str):
        e, r = expected.get(key), ref.get(key)
        if e is None or r is None:
            if not is_zero_or_empty(e or r):
                problems.append(f"{key}: expected {e}, reference {r}")
        elif not all(
            (x is None and y is None) or (x is not None and y is not None and abs(x - y) <= 1e-6)
            for x, y in zip(e, r, strict=True)
        ):
            problems.append(f"{key}: expected {e}, reference {r}")
    assert not problems, "\n".join(problems)
