"""The synthetic municipality: the seven extracts in the contract's Danish dialect, at any scale.

numpy draws every number from one seeded generator (a seed gives the same bytes); DuckDB
formats the rows and writes the CSV in parallel, which is then transcoded to Windows-1252.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import NamedTuple

import duckdb
import numpy as np
import pandas as pd

from runner.sql import literal

# The 98 municipalities: code, name, inhabitants in thousands (it weights where persons live).
KOMMUNER = [
    (101, "København", 667),
    (147, "Frederiksberg", 104),
    (151, "Ballerup", 52),
    (153, "Brøndby", 39),
    (155, "Dragør", 15),
    (157, "Gentofte", 75),
    (159, "Gladsaxe", 70),
    (161, "Glostrup", 24),
    (163, "Herlev", 30),
    (165, "Albertslund", 28),
    (167, "Hvidovre", 55),
    (169, "Høje-Taastrup", 58),
    (173, "Lyngby-Taarbæk", 57),
    (175, "Rødovre", 41),
    (183, "Ishøj", 24),
    (185, "Tårnby", 44),
    (187, "Vallensbæk", 17),
    (190, "Furesø", 42),
    (201, "Allerød", 26),
    (210, "Fredensborg", 41),
    (217, "Helsingør", 64),
    (219, "Hillerød", 53),
    (223, "Hørsholm", 25),
    (230, "Rudersdal", 57),
    (240, "Egedal", 44),
    (250, "Frederikssund", 46),
    (253, "Greve", 52),
    (259, "Køge", 63),
    (260, "Halsnæs", 31),
    (265, "Roskilde", 90),
    (269, "Solrød", 24),
    (270, "Gribskov", 41),
    (306, "Odsherred", 33),
    (316, "Holbæk", 73),
    (320, "Faxe", 38),
    (326, "Kalundborg", 49),
    (329, "Ringsted", 36),
    (330, "Slagelse", 80),
    (336, "Stevns", 23),
    (340, "Sorø", 30),
    (350, "Lejre", 29),
    (360, "Lolland", 40),
    (370, "Næstved", 84),
    (376, "Guldborgsund", 60),
    (390, "Vordingborg", 45),
    (400, "Bornholm", 39),
    (410, "Middelfart", 39),
    (420, "Assens", 41),
    (430, "Faaborg-Midtfyn", 52),
    (440, "Kerteminde", 24),
    (450, "Nyborg", 32),
    (461, "Odense", 210),
    (479, "Svendborg", 59),
    (480, "Nordfyns", 30),
    (482, "Langeland", 12),
    (492, "Ærø", 6),
    (510, "Haderslev", 56),
    (530, "Billund", 27),
    (540, "Sønderborg", 74),
    (550, "Tønder", 37),
    (561, "Esbjerg", 116),
    (563, "Fanø", 4),
    (573, "Varde", 50),
    (575, "Vejen", 43),
    (580, "Aabenraa", 59),
    (607, "Fredericia", 52),
    (615, "Horsens", 97),
    (621, "Kolding", 95),
    (630, "Vejle", 122),
    (657, "Herning", 90),
    (661, "Holstebro", 59),
    (665, "Lemvig", 19),
    (671, "Struer", 21),
    (706, "Syddjurs", 44),
    (707, "Norddjurs", 37),
    (710, "Favrskov", 50),
    (727, "Odder", 24),
    (730, "Randers", 99),
    (740, "Silkeborg", 98),
    (741, "Samsø", 4),
    (746, "Skanderborg", 64),
    (751, "Aarhus", 367),
    (756, "Ikast-Brande", 42),
    (760, "Ringkøbing-Skjern", 56),
    (766, "Hedensted", 47),
    (773, "Morsø", 20),
    (779, "Skive", 46),
    (787, "Thisted", 43),
    (791, "Viborg", 98),
    (810, "Brønderslev", 36),
    (813, "Frederikshavn", 58),
    (820, "Vesthimmerlands", 36),
    (825, "Læsø", 2),
    (840, "Rebild", 30),
    (846, "Mariagerfjord", 42),
    (849, "Jammerbugt", 38),
    (851, "Aalborg", 222),
    (860, "Hjørring", 64),
]

UNITS = ["dag", "maaned", "aar", "time"]
KINDS = ["botilbud", "dagtilbud", "stoette", "anbringelse"]
AREAS = [
    "botilbud",
    "dagtilbud",
    "hjaelperordning",
    "stoette_i_eget_hjem",
    "merudgift_hjaelpemidler",
]


class Ydelse(NamedTuple):
    share: float  # of all grants
    unit: str
    takst_lo: float
    takst_hi: float
    hours_lo: float  # timer_pr_uge; 0 when the paragraph has none
    hours_hi: float
    open_share: float  # granted with no slutdato
    mean_days: float  # duration of the others
    kind: str | None  # of provider; None for cash benefits, which have none
    area: str | None  # budget area; None for the paragraphs in no group, which have none


YDELSER = {
    "85": Ydelse(0.32, "time", 400, 550, 1, 20, 0.55, 540, "stoette", "stoette_i_eget_hjem"),
    "100": Ydelse(0.14, "maaned", 1_000, 5_000, 0, 0, 0.70, 900, None, "merudgift_hjaelpemidler"),
    "104": Ydelse(0.12, "dag", 300, 900, 0, 0, 0.65, 900, "dagtilbud", "dagtilbud"),
    "83": Ydelse(0.10, "time", 350, 450, 1, 15, 0.50, 240, "stoette", "stoette_i_eget_hjem"),
    "108": Ydelse(0.08, "aar", 600_000, 1_500_000, 0, 0, 0.85, 1_800, "botilbud", "botilbud"),
    "97": Ydelse(0.06, "time", 250, 350, 1, 4, 0.60, 540, "stoette", "stoette_i_eget_hjem"),
    "103": Ydelse(0.055, "dag", 300, 900, 0, 0, 0.65, 900, "dagtilbud", "dagtilbud"),
    "107": Ydelse(0.045, "dag", 1_500, 3_500, 0, 0, 0.40, 300, "botilbud", "botilbud"),
    "99": Ydelse(0.035, "time", 350, 500, 1, 10, 0.50, 365, "stoette", "stoette_i_eget_hjem"),
    "96": Ydelse(0.025, "maaned", 80_000, 200_000, 20, 60, 0.85, 1_200, None, "hjaelperordning"),
    "95": Ydelse(0.015, "maaned", 20_000, 80_000, 10, 40, 0.80, 900, None, "hjaelperordning"),
    "98": Ydelse(0.005, "time", 400, 600, 2, 10, 0.70, 720, "stoette", "stoette_i_eget_hjem"),
    # the catalogue's paragraphs in no group (and no budget area)
    "84": Ydelse(0.015, "dag", 1_200, 2_500, 0, 0, 0.30, 120, "botilbud", None),
    "82b": Ydelse(0.01, "time", 350, 500, 1, 8, 0.30, 180, "stoette", None),
    "86": Ydelse(0.01, "time", 400, 600, 1, 4, 0.20, 120, "stoette", None),
    "102": Ydelse(0.01, "maaned", 5_000, 30_000, 0, 0, 0.40, 365, "dagtilbud", None),
    "82a": Ydelse(0.005, "time", 300, 450, 1, 6, 0.30, 180, "stoette", None),
}
BOTILBUDSLIGNENDE_85 = 0.15


class Anbringelse(NamedTuple):
    share: float
    unit: str
    takst_lo: float
    takst_hi: float
    with_provider: bool  # placed with a provider in leverandoerer (foster families are not)


ANBRINGELSER = {
    "plejefamilie": Anbringelse(0.35, "maaned", 25_000, 50_000, False),
    "netvaerksplejefamilie": Anbringelse(0.12, "maaned", 5_000, 15_000, False),
    "kommunal_plejefamilie": Anbringelse(0.08, "maaned", 30_000, 60_000, False),
    "opholdssted": Anbringelse(0.17, "dag", 2_000, 4_500, True),
    "doegninstitution": Anbringelse(0.15, "dag", 3_500, 7_000, True),
    "eget_vaerelse": Anbringelse(0.07, "maaned", 8_000, 20_000, False),
    "kostskole_efterskole": Anbringelse(0.06, "maaned", 8_000, 20_000, True),
}

# paragraf, kategori, typical amount; one-off grants are drawn around it
ENGANGS = [
    ("112", "kørestol", 30_000),
    ("112", "el-kørestol", 90_000),
    ("112", "rollator", 3_000),
    ("112", "lift", 12_000),
    ("112", "badestol", 4_000),
    ("112", "toiletstol", 6_000),
    ("112", "arbejdsstol", 9_000),
    ("112", "kommunikationshjælpemiddel", 25_000),
    ("112", "plejeseng", 18_000),
    ("114", "bil", 180_000),
    ("114", "særlig indretning af bil", 60_000),
]
ENGANGS_SHARE = [0.14, 0.06, 0.16, 0.1, 0.1, 0.08, 0.08, 0.06, 0.08, 0.09, 0.05]

# ydelser.maalgruppe as case systems write it: VUM texts and DST codes of every target group of the
# seed maalgrupper (a quarter of the rows leave it empty: uoplyst)
MAALGRUPPER = [
    "Udviklingshæmning",
    "1.2.1.3.2",
    "Autisme",
    "ADHD",
    "Erhvervet hjerneskade",
    "Fysisk funktionsnedsættelse",
    "1.1.2",
    "Døvblindhed",
    "Sindslidelse",
    "1.2.2",
    "Angst",
    "Misbrug",
    "Hjemløshed",
]
# a value the seed does not know, on a few rows: andet, and the build's warning
UKENDT_MAALGRUPPE = "Sansemæssig funktionsnedsættelse"
UKENDT_MAALGRUPPE_SHARE = 0.004
# provider kind: share of a municipality's providers, share per type (egen, anden_kommune, region,
# privat)
PROVIDER_KINDS = {
    "botilbud": (0.30, (0.45, 0.20, 0.15, 0.20)),
    "dagtilbud": (0.20, (0.60, 0.15, 0.10, 0.15)),
    "stoette": (0.35, (0.75, 0.05, 0.00, 0.20)),
    "anbringelse": (0.15, (0.25, 0.15, 0.20, 0.40)),
}
PROVIDER_TYPES = ["egen", "anden_kommune", "region", "privat"]
PROVIDER_PREFIX = {
    "botilbud": ["Bofællesskabet", "Botilbuddet", "Bostedet", "Boligerne"],
    "dagtilbud": ["Aktivitetscentret", "Værkstedet", "Dagcentret", "Beskyttet værksted"],
    "stoette": ["Støttecentret", "Bostøtten", "Hjemmeplejen", "Ledsagerkorpset"],
    "anbringelse": ["Opholdsstedet", "Døgninstitutionen", "Efterskolen", "Ungehuset"],
}
PLACE_NAMES = [
    "Solsikken",
    "Åbrinken",
    "Kærholm",
    "Lærkely",
    "Bøgebakken",
    "Egely",
    "Søhøj",
    "Fyrrelunden",
    "Møllegården",
    "Enghaven",
    "Rønnebær",
    "Havblik",
    "Æblegården",
    "Nørrevang",
    "Skovbrynet",
    "Tjørnely",
    "Højvang",
    "Lindegården",
    "Ådalen",
    "Græsted",
]
REGIONS = ["Hovedstaden", "Sjælland", "Syddanmark", "Midtjylland", "Nordjylland"]
FIRST_NAMES = [
    "Søren",
    "Mette",
    "Jørgen",
    "Anne",
    "Bjørn",
    "Kirsten",
    "Jens",
    "Hanne",
    "Mads",
    "Lærke",
    "Rasmus",
    "Sofie",
    "Niels",
    "Åse",
    "Frederik",
    "Birthe",
    "Thomas",
    "Ida",
    "Ole",
    "Signe",
]
LAST_NAMES = [
    "Jørgensen",
    "Sørensen",
    "Møller",
    "Nielsen",
    "Hansen",
    "Kjær",
    "Højgaard",
    "Nørgaard",
    "Pedersen",
    "Læsøe",
    "Andersen",
    "Østergaard",
    "Christensen",
    "Dahl",
    "Bæk",
    "Frøkjær",
]
# The code in the ids of caseworkers who work in every municipality: no municipality's.
CASEWORKERS_EVERYWHERE = 999
TEAMS = [
    "Voksenhandicap",
    "Socialpsykiatri",
    "Hjerneskade",
    "Ungeteamet",
    "Myndighed Øst",
    "Myndighed Vest",
]

# Each rule of the contract's reason-code table gets about this share of an extract's rows, so
# every code shows up while all of them together stay near 1.5 %, well under the 5 % limit.
BAD_SHARE_PER_CODE = 0.0015
COPY_CODES = {"duplicate_conflict", "duplicate_exact"}


@dataclass(frozen=True)
class _Extract:
    """What dirty mode needs to know to break a row of an extract."""

    required: tuple[str, ...]
    dates: tuple[str, ...]
    number: str
    codes: tuple[str, ...]  # in order of precedence when the extract is too small for all of them
    unknown_paragraphs: tuple[str, ...] = ()


EXTRACTS = {
    "ydelser": _Extract(
        ("bevilling_id", "cpr", "paragraf", "startdato", "betalingskommune"),
        ("startdato", "slutdato", "oprettet_dato"),
        "takst",
        (
            "missing_required",
            "cpr_invalid",
            "date_invalid",
            "period_invalid",
            "paragraf_unknown",
            "number_invalid",
            "unit_invalid",
            "duplicate_conflict",
            "duplicate_exact",
            "unknown_leverandoer",
            "unknown_sagsbehandler",
            "before_birth",
            "kommune_invalid",
        ),
        # not in the catalogue (84 and 102 are, in no group)
        ("110", "§ 87", "SEL § 109", "81"),
    ),
    "engangsbevillinger": _Extract(
        ("bevilling_id", "cpr", "paragraf", "bevillingsdato", "beloeb", "betalingskommune"),
        ("bevillingsdato", "oprettet_dato"),
        "beloeb",
        (
            "number_invalid",
            "paragraf_unknown",
            "cpr_invalid",
            "missing_required",
            "date_invalid",
            "duplicate_exact",
            "duplicate_conflict",
            "before_birth",
            "kommune_invalid",
        ),
        ("113", "§ 115"),
    ),
    "anbringelser": _Extract(
        ("anbringelse_id", "cpr", "anbringelsestype", "startdato", "betalingskommune"),
        ("startdato", "slutdato", "oprettet_dato"),
        "takst",
        (
            "period_invalid",
            "missing_required",
            "date_invalid",
            "cpr_invalid",
            "number_invalid",
            "unit_invalid",
            "duplicate_exact",
            "before_birth",
            "kommune_invalid",
        ),
    ),
}


def write_extracts(
    out_dir: Path,
    *,
    grants: int = 10_000,
    municipalities: int = 1,
    seed: int = 42,
    as_of: date | None = None,
    dirty: bool = False,
    caseworkers_everywhere: int = 0,
) -> dict[str, int]:
    """Write the seven extracts (befolkning too) into out_dir in the contract's Danish dialect;
    return rows written per extract.

    With dirty=True a small share of rows breaks each rule of the reason-code table; the
    summary then also holds "extract:code" -> rows that must land in quarantine with that code
    (both rows of a duplicate_conflict pair count), and "ydelser:unknown_leverandoer" /
    "ydelser:unknown_sagsbehandler" for kept rows whose reference is not in its extract.

    With caseworkers_everywhere=N the breakdowns by caseworker are as wide as they get: N
    caseworkers, each working in every municipality (each grant's caseworker is drawn from all of
    them), instead of about one per 150 grants of each municipality, kept by a person.
    """
    if not 1 <= municipalities <= len(KOMMUNER):
        raise ValueError(f"municipalities must be 1..{len(KOMMUNER)}, not {municipalities}")
    if not 0 <= caseworkers_everywhere <= 9999:
        raise ValueError(f"caseworkers_everywhere must be 0..9999, not {caseworkers_everywhere}")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    as_of = as_of or date.today() - timedelta(days=1)
    rng = np.random.default_rng(seed)
    kommuner = _choose_kommuner(municipalities)
    today = _days(as_of)

    n_anbr = round(0.02 * grants)
    persons = _persons(rng, max(1, grants // 4), max(1, n_anbr * 4 // 5), kommuner, today)
    y = _ydelser(rng, grants, persons, len(kommuner), today)
    e = _engangs(rng, round(0.05 * grants), persons, today)
    a = _anbringelser(rng, n_anbr, persons, today)
    load = np.bincount(y["payer"], minlength=len(kommuner))
    providers, per_kind = _providers(rng, kommuner, load)
    caseworkers, per_kommune = (
        _caseworkers_everywhere(rng, caseworkers_everywhere, len(kommuner))
        if caseworkers_everywhere
        else _caseworkers(rng, kommuner, load)
    )
    _pick_providers(rng, y, a, per_kind)
    _pick_caseworkers(rng, y, e, persons, per_kommune, per_grant=caseworkers_everywhere > 0)
    budget = _budget(rng, y, e, kommuner, as_of.year)
    befolkning = _befolkning(rng, kommuner, as_of.year)

    codes = np.array([k[0] for k in kommuner])
    for frame in (y, e, a):
        frame["kommune"] = codes[frame.pop("payer")]
        frame["sagsbehandler_kode"] = (
            np.full(frame["kommune"].size, CASEWORKERS_EVERYWHERE)
            if caseworkers_everywhere
            else frame["kommune"]
        )
        frame["ord"] = np.arange(frame["kommune"].size, dtype=float)
    summary: dict[str, int] = {}
    with duckdb.connect() as con:
        _macros(con)
        tables = {
            "ydelser": _format_ydelser(con, y),
            "leverandoerer": _format_small(con, "leverandoerer", providers),
            "sagsbehandlere": _format_small(con, "sagsbehandlere", caseworkers),
            "budget": _format_small(con, "budget", budget),
            "engangsbevillinger": _format_engangs(con, e),
            "anbringelser": _format_anbringelser(con, a),
            "befolkning": _format_small(con, "befolkning", befolkning),
        }
        for name, table in tables.items():
            query = f"SELECT * FROM {table}"
            if dirty and name in EXTRACTS:
                query, counts = _dirty(con, table, EXTRACTS[name], rng)
                summary.update({f"{name}:{code}": n for code, n in counts.items()})
            summary[name] = _write_csv(con, query, out_dir / f"{name}.csv")
    return summary


def _choose_kommuner(n: int) -> list[tuple[int, str, int]]:
    """Aarhus first (the one-municipality case), then the largest."""
    rest = sorted((k for k in KOMMUNER if k[0] != 751), key=lambda k: -k[2])
    return ([k for k in KOMMUNER if k[0] == 751] + rest)[:n]


def _days(d: date) -> int:
    return (d - date(1970, 1, 1)).days


def _persons(rng, n_adults: int, n_children: int, kommuner, today: int) -> dict:
    """Persons: adults (16-90) get the grants, children (0-17) the placements; unique CPR
    numbers."""
    weights = np.array([k[2] for k in kommuner], dtype=float)
    n = n_adults + n_children
    age = np.concatenate([16 + 74 * rng.beta(1.6, 2.2, n_adults), 18 * rng.random(n_children)])
    birth = today - np.floor(age * 365.25).astype(np.int64)
    year = birth.astype("datetime64[D]").astype("datetime64[Y]").astype(np.int64) + 1970
    # the 7th digit carries the century: 0-3 for the 1900s (and 4 or 9 from 1937), 4-9 from 2000
    digit7 = np.where(year >= 2000, rng.integers(4, 10, n), rng.integers(0, 4, n))
    digit7 = np.where(
        (year >= 1937) & (year < 2000) & (rng.random(n) < 0.1), rng.choice([4, 9], n), digit7
    )
    serial = digit7 * 1000 + rng.integers(0, 1000, n)
    while True:
        clash = np.ones(n, dtype=bool)
        clash[np.unique(birth * 10_000 + serial, return_index=True)[1]] = False
        if not clash.any():
            break
        serial[clash] = digit7[clash] * 1000 + rng.integers(0, 1000, clash.sum())
    return {
        "n_adults": n_adults,
        "n_children": n_children,
        "birth": birth,
        "serial": serial,
        "home": rng.choice(len(kommuner), n, p=weights / weights.sum()),
        "u_caseworker": rng.random(n),
    }


def _ydelser(rng, n: int, persons: dict, n_kommuner: int, today: int) -> dict:
    share, lo, hi, hours_lo, hours_hi, p_open, mean_days = (
        _field(YDELSER, f)
        for f in (
            "share",
            "takst_lo",
            "takst_hi",
            "hours_lo",
            "hours_hi",
            "open_share",
            "mean_days",
        )
    )
    par = rng.choice(len(YDELSER), n, p=share / share.sum())
    person = rng.integers(0, persons["n_adults"], n)
    payer = persons["home"][person]
    if n_kommuner > 1:
        moved = rng.random(n) < 0.05
        payer = np.where(moved, rng.integers(0, n_kommuner, n), payer)
    # starts over six years up to the status date, a few already granted for the coming months
    start = np.where(
        rng.random(n) < 0.985, today - rng.integers(0, 6 * 365, n), today + rng.integers(1, 91, n)
    )
    # started in the last year and registered by the status date however late (below)
    recent = (start >= today - 365) & (start <= today - 200)
    _cover(par, len(YDELSER), recent)
    length = 1 + np.floor(rng.exponential(mean_days[par])).astype(np.int64)
    end = np.where(rng.random(n) < p_open[par], np.nan, start + length - 1)
    # registered around the start, a few months late; so a few recent grants are not yet known
    u = rng.random(n)
    registered = np.select(
        [u < 0.55, u < 0.98],
        [np.nan, start + rng.integers(-21, 8, n)],
        start + rng.integers(30, 200, n),
    )
    takst = np.round(lo[par] + (hi[par] - lo[par]) * rng.random(n), 2)
    takst[rng.random(n) < 0.02] = np.nan
    hours = np.round(2 * (hours_lo[par] + (hours_hi[par] - hours_lo[par]) * rng.random(n))) / 2
    hours[hours_hi[par] == 0] = np.nan
    unit_index = np.array([UNITS.index(v.unit) for v in YDELSER.values()])[par]
    order = np.argsort(start, kind="stable")
    columns = {
        "foedt": persons["birth"][person],
        "loebenr": persons["serial"][person],
        "person": person,
        "par": par,
        "start": start,
        "slut": end,
        "payer": payer,
        "timer": hours,
        "takst": takst,
        "enhed": np.where(np.isnan(takst), np.nan, unit_index),
        "er_botilbudslignende": (par == list(YDELSER).index("85"))
        & (rng.random(n) < BOTILBUDSLIGNENDE_85),
        "maalgruppe_nr": _maalgruppe_nr(rng.random(n), rng.integers(0, len(MAALGRUPPER), n)),
        "oprettet": registered,
    }
    _cover(columns["er_botilbudslignende"], 2, recent & (par == list(YDELSER).index("85")))
    return {k: v[order] for k, v in columns.items()}


def _maalgruppe_nr(draw: np.ndarray, nr: np.ndarray) -> np.ndarray:
    """The index into MAALGRUPPER + [UKENDT_MAALGRUPPE] of each row; NaN (empty) for a quarter."""
    known = np.where(draw < 0.75, nr, np.nan)
    return np.where(draw < UKENDT_MAALGRUPPE_SHARE, len(MAALGRUPPER), known)


def _engangs(rng, n: int, persons: dict, today: int) -> dict:
    p = np.array(ENGANGS_SHARE)
    kind = rng.choice(len(ENGANGS), n, p=p / p.sum())
    person = rng.integers(0, persons["n_adults"], n)
    granted = today - rng.integers(0, 730, n)
    _cover(kind, len(ENGANGS), (granted >= today - 365) & (granted <= today - 15))
    amount = np.array([x[2] for x in ENGANGS])[kind] * rng.uniform(0.6, 1.4, n)
    order = np.argsort(granted, kind="stable")
    columns = {
        "foedt": persons["birth"][person],
        "loebenr": persons["serial"][person],
        "person": person,
        "kind": kind,
        "dato": granted,
        "beloeb": np.round(amount, -1),
        "payer": persons["home"][person],
        "oprettet": np.where(rng.random(n) < 0.6, np.nan, granted + rng.integers(0, 15, n)),
    }
    return {k: v[order] for k, v in columns.items()}


def _anbringelser(rng, n: int, persons: dict, today: int) -> dict:
    share, lo, hi = (_field(ANBRINGELSER, f) for f in ("share", "takst_lo", "takst_hi"))
    kind = rng.choice(len(ANBRINGELSER), n, p=share / share.sum())
    child = persons["n_adults"] + rng.integers(0, persons["n_children"], n)
    birth = persons["birth"][child]
    first = np.maximum(birth, today - 6 * 365)
    start = first + np.floor(rng.random(n) * (today - first + 1)).astype(np.int64)
    start = np.where(rng.random(n) < 0.02, today + rng.integers(1, 61, n), start)
    # a placement ends at the latest the day before the child turns 18
    end = np.minimum(start + np.floor(rng.exponential(600, n)).astype(np.int64), birth + 6574)
    _cover(kind, len(ANBRINGELSER), (start <= today - 7) & (end >= today - 365))
    takst = np.round(lo[kind] + (hi[kind] - lo[kind]) * rng.random(n), 2)
    order = np.argsort(start, kind="stable")
    columns = {
        "foedt": birth,
        "loebenr": persons["serial"][child],
        "type": kind,
        "start": start,
        "slut": np.where(rng.random(n) < 0.5, np.nan, np.maximum(end, start)),
        "payer": persons["home"][child],
        "takst": takst,
        "enhed": np.array([UNITS.index(v.unit) for v in ANBRINGELSER.values()])[kind],
        "oprettet": np.where(rng.random(n) < 0.55, np.nan, start + rng.integers(-14, 8, n)),
    }
    return {k: v[order] for k, v in columns.items()}


def _cover(values: np.ndarray, k: int, rows: np.ndarray) -> None:
    """Every value 0..k-1 (or both booleans, k = 2) at least once among the masked `rows` where
    they are enough: a missing value takes the first such row of the most common one. So a small
    extract holds every value of every mapping (the grants' callers mask rows known and active in
    the year before the status date, so each value counts); nothing is drawn, so the rest stays
    as drawn."""
    chosen = values[rows].astype(np.int64)
    for missing in range(k):
        counts = np.bincount(chosen, minlength=k)
        if counts[missing] == 0 and counts.max() > 1:
            chosen[np.flatnonzero(chosen == counts.argmax())[0]] = missing
    values[rows] = chosen.astype(values.dtype)


def _field(table: dict, name: str) -> np.ndarray:
    return np.array([getattr(row, name) for row in table.values()])


def _providers(rng, kommuner, load: np.ndarray) -> tuple[pd.DataFrame, np.ndarray]:
    """Providers per municipality, about one per 100 grants, numbered in blocks by kind; and the
    block sizes."""
    per_kind = np.array(
        [[max(1, round(PROVIDER_KINDS[k][0] * max(8, g // 100))) for k in KINDS] for g in load]
    )
    kommune = np.repeat(np.arange(len(kommuner)), per_kind.sum(1))
    kind = np.concatenate([np.repeat(np.arange(len(KINDS)), row) for row in per_kind])
    nr = np.concatenate([np.arange(1, row.sum() + 1) for row in per_kind])
    cum = np.cumsum([PROVIDER_KINDS[k][1] for k in KINDS], axis=1)
    ptype = (rng.random(kind.size)[:, None] > cum[kind]).sum(1)
    # every provider type among the providers of botilbud, whose type decides indicator 07
    _cover(ptype, len(PROVIDER_TYPES), kind == KINDS.index("botilbud"))
    prefix = np.array([PROVIDER_PREFIX[k] for k in KINDS])[kind, rng.integers(0, 4, kind.size)]
    place = rng.choice(PLACE_NAMES, kind.size)
    other = rng.choice([k[1] for k in KOMMUNER], kind.size)
    region = rng.choice(REGIONS, kind.size)
    decor = [
        ["{} {}", "{} {} ({} Kommune)", "{} {}, Region {}", "{} {} ApS"][t].format(
            p, s, o if t == 1 else r
        )
        for t, p, s, o, r in zip(ptype, prefix, place, other, region, strict=True)
    ]
    frame = pd.DataFrame(
        {
            "leverandoer_id": [
                f"L{kommuner[k][0]:03d}-{i:04d}" for k, i in zip(kommune, nr, strict=True)
            ],
            "navn": decor,
            "leverandoertype": np.array(PROVIDER_TYPES)[ptype],
            "ejerkommune": _ejerkommune(kommuner, kommune, nr, ptype, other),
        }
    )
    return frame, per_kind


def _ejerkommune(kommuner, kommune, nr, ptype, other) -> list[str | None]:
    """The owner of each provider: the municipality's own for egen, the named other municipality for
    anden_kommune, empty for regional and private ones; every tenth municipal provider leaves it
    empty, as an extract without the column would (07 then reads leverandoertype)."""
    code = {name: f"{number:03d}" for number, name, _ in KOMMUNER}
    return [
        None if t > 1 or i % 10 == 0 else (f"{kommuner[k][0]:03d}" if t == 0 else code[o])
        for k, i, t, o in zip(kommune, nr, ptype, other, strict=True)
    ]


def _caseworkers(rng, kommuner, load: np.ndarray) -> tuple[pd.DataFrame, np.ndarray]:
    """About one caseworker per 150 grants; and their number per municipality."""
    count = np.maximum(2, np.round(load / 150).astype(np.int64))
    kommune = np.repeat(np.arange(len(kommuner)), count)
    nr = np.concatenate([np.arange(1, c + 1) for c in count])
    names = np.char.add(
        np.char.add(rng.choice(FIRST_NAMES, nr.size), " "), rng.choice(LAST_NAMES, nr.size)
    )
    frame = pd.DataFrame(
        {
            "sagsbehandler_id": [
                f"S{kommuner[k][0]:03d}-{i:04d}" for k, i in zip(kommune, nr, strict=True)
            ],
            "navn": names,
            "team": rng.choice(TEAMS, nr.size),
        }
    )
    return frame, count


def _caseworkers_everywhere(rng, n: int, n_kommuner: int) -> tuple[pd.DataFrame, np.ndarray]:
    """n caseworkers who work in every municipality, numbered under no municipality's code (999 is
    none); and their number per municipality, n each."""
    frame = pd.DataFrame(
        {
            "sagsbehandler_id": [f"S{CASEWORKERS_EVERYWHERE:03d}-{i:04d}" for i in range(1, n + 1)],
            "navn": np.char.add(
                np.char.add(rng.choice(FIRST_NAMES, n), " "), rng.choice(LAST_NAMES, n)
            ),
            "team": rng.choice(TEAMS, n),
        }
    )
    return frame, np.full(n_kommuner, n)


def _pick(rng, first: np.ndarray, count: np.ndarray) -> np.ndarray:
    """A local number in [first, first + count), skewed so some providers are used much more."""
    return first + np.floor(rng.random(first.size) ** 1.5 * count)


def _pick_providers(rng, y: dict, a: dict, count: np.ndarray) -> None:
    """A provider of the grant's kind among the paying municipality's own list."""
    first = 1 + np.cumsum(count, axis=1) - count
    kinds = np.array([KINDS.index(v.kind) if v.kind else -1 for v in YDELSER.values()])[y["par"]]
    k = np.maximum(kinds, 0)
    leverandoer_nr = _pick(rng, first[y["payer"], k], count[y["payer"], k])
    y["leverandoer_nr"] = np.where(
        (kinds < 0) | (rng.random(kinds.size) < 0.02), np.nan, leverandoer_nr
    )

    placed = _field(ANBRINGELSER, "with_provider")[a["type"]]
    k = KINDS.index("anbringelse")
    leverandoer_nr = _pick(rng, first[a["payer"], k], count[a["payer"], k])
    a["leverandoer_nr"] = np.where(placed, leverandoer_nr, np.nan)


def _pick_caseworkers(
    rng, y: dict, e: dict, persons: dict, count: np.ndarray, *, per_grant: bool = False
) -> None:
    """A person keeps one caseworker in each paying municipality (per_grant: each grant draws its
    own, the widest caseloads); a few grants have none."""
    for frame, missing in ((y, 0.02), (e, 0.03)):
        n = frame["person"].size
        u = rng.random(n) if per_grant else persons["u_caseworker"][frame["person"]]
        frame.pop("person")
        nr = 1 + np.floor(u * count[frame["payer"]])
        frame["sagsbehandler_nr"] = np.where(rng.random(n) < missing, np.nan, nr)


def _budget(rng, y: dict, e: dict, kommuner, year: int) -> pd.DataFrame:
    """Budget per municipality, year and area: the year's disposed expenses give or take 8 %."""
    # the paragraphs in no group have no area (-1) and no budget
    area_of = np.array([AREAS.index(v.area) if v.area else -1 for v in YDELSER.values()])[y["par"]]
    area_of = np.where(y["er_botilbudslignende"], AREAS.index("botilbud"), area_of)
    rows = []
    for aar in (year - 1, year):
        first, last = _days(date(aar, 1, 1)), _days(date(aar, 12, 31))
        days_in_year = last - first + 1
        end = np.where(np.isnan(y["slut"]), last, y["slut"])
        days = np.clip(np.minimum(end, last) - np.maximum(y["start"], first) + 1, 0, None)
        per_day = np.select(
            [y["enhed"] == 0, y["enhed"] == 1, y["enhed"] == 2, y["enhed"] == 3],
            [
                y["takst"],
                y["takst"] * 12 / days_in_year,
                y["takst"] / days_in_year,
                y["takst"] * y["timer"] / 7,
            ],
            0.0,
        )
        cost = np.bincount(
            y["payer"] * len(AREAS) + np.maximum(area_of, 0),
            np.where(area_of < 0, 0.0, np.nan_to_num(days * per_day)),
            minlength=len(kommuner) * len(AREAS),
        )
        in_year = (e["dato"] >= first) & (e["dato"] <= last)
        cost[AREAS.index("merudgift_hjaelpemidler") :: len(AREAS)] += np.bincount(
            e["payer"][in_year], e["beloeb"][in_year], minlength=len(kommuner)
        )
        amount = np.maximum(100_000, np.round(cost * rng.uniform(0.92, 1.08, cost.size), -3))
        for i, beloeb in enumerate(amount):
            rows.append(
                (aar, f"{kommuner[i // len(AREAS)][0]:03d}", AREAS[i % len(AREAS)], int(beloeb))
            )
    return pd.DataFrame(rows, columns=["aar", "betalingskommune", "omraade", "beloeb"])


def _befolkning(rng, kommuner, year: int) -> pd.DataFrame:
    """Population on 1 January of last year and this, as municipalities download FOLK1A: per
    municipality, sex and age (0-99 and '100+'), with the municipality's name and the sex as extra
    columns. About as many of each age up to 60, fewer after; the municipality's size from
    KOMMUNER (thousands)."""
    ages = np.arange(101)
    shape = np.where(ages < 60, 1.0, np.exp(-(ages - 60) / 9.0))
    shape /= shape.sum()
    rows = []
    for kode, navn, tusinder in kommuner:
        for aar in (year - 1, year):
            total = tusinder * 1000 * (1 + 0.01 * (aar - year))
            for koen, share in (("M", 0.495), ("K", 0.505)):
                antal = np.round(total * share * shape * rng.uniform(0.9, 1.1, ages.size))
                for alder, n in zip(ages, antal.astype(int), strict=True):
                    label = "100+" if alder == 100 else str(alder)
                    rows.append((aar, f"{kode:03d}", navn, koen, label, n))
    return pd.DataFrame(rows, columns=["aar", "kommunekode", "omraade", "koen", "alder", "antal"])


def _macros(con) -> None:
    con.execute(
        "CREATE MACRO dk_date(d) AS strftime(DATE '1970-01-01' + CAST(d AS INTEGER), '%d-%m-%Y')"
    )
    con.execute("CREATE MACRO dk_number(x) AS replace(printf('%.2f', x), '.', ',')")
    con.execute(
        "CREATE MACRO dk_cpr(born, nr) AS "
        "strftime(DATE '1970-01-01' + CAST(born AS INTEGER), '%d%m%y') || '-' || "
        "lpad(CAST(nr AS VARCHAR), 4, '0')"
    )
    con.execute(
        "CREATE MACRO dk_id(prefix, kommune, nr) AS "
        "prefix || lpad(CAST(kommune AS VARCHAR), 3, '0') || '-' || "
        "lpad(CAST(CAST(nr AS BIGINT) AS VARCHAR), 4, '0')"
    )


def _sql_list(values) -> str:
    return "[" + ", ".join(literal(v) for v in values) + "]"


def _format_ydelser(con, y: dict) -> str:
    con.register("y_raw", pd.DataFrame(y))
    con.execute(f"""
        CREATE TABLE ydelser_out AS SELECT
            ord,
            'B' || lpad(CAST(CAST(ord AS BIGINT) + 1 AS VARCHAR), 7, '0') AS bevilling_id,
            dk_cpr(foedt, loebenr) AS cpr,
            {_sql_list(YDELSER)}[par + 1] AS paragraf,
            dk_date(start) AS startdato,
            dk_date(slut) AS slutdato,
            lpad(CAST(kommune AS VARCHAR), 3, '0') AS betalingskommune,
            dk_id('L', kommune, leverandoer_nr) AS leverandoer_id,
            dk_id('S', sagsbehandler_kode, sagsbehandler_nr) AS sagsbehandler_id,
            dk_number(timer) AS timer_pr_uge,
            dk_number(takst) AS takst,
            {_sql_list(UNITS)}[CAST(enhed AS INTEGER) + 1] AS takst_enhed,
            CASE WHEN er_botilbudslignende THEN 'ja' ELSE 'nej' END AS botilbudslignende,
            {_sql_list([*MAALGRUPPER, UKENDT_MAALGRUPPE])}[CAST(maalgruppe_nr AS INTEGER) + 1]
                AS maalgruppe,
            dk_date(oprettet) AS oprettet_dato
        FROM y_raw""")
    return "ydelser_out"


def _format_engangs(con, e: dict) -> str:
    con.register("e_raw", pd.DataFrame(e))
    con.execute(f"""
        CREATE TABLE engangs_out AS SELECT
            ord,
            'E' || lpad(CAST(CAST(ord AS BIGINT) + 1 AS VARCHAR), 7, '0') AS bevilling_id,
            dk_cpr(foedt, loebenr) AS cpr,
            {_sql_list(x[0] for x in ENGANGS)}[kind + 1] AS paragraf,
            dk_date(dato) AS bevillingsdato,
            dk_number(beloeb) AS beloeb,
            lpad(CAST(kommune AS VARCHAR), 3, '0') AS betalingskommune,
            dk_id('S', sagsbehandler_kode, sagsbehandler_nr) AS sagsbehandler_id,
            {_sql_list(x[1] for x in ENGANGS)}[kind + 1] AS kategori,
            dk_date(oprettet) AS oprettet_dato
        FROM e_raw""")
    return "engangs_out"


def _format_anbringelser(con, a: dict) -> str:
    con.register("a_raw", pd.DataFrame(a))
    con.execute(f"""
        CREATE TABLE anbringelser_out AS SELECT
            ord,
            'A' || lpad(CAST(CAST(ord AS BIGINT) + 1 AS VARCHAR), 7, '0') AS anbringelse_id,
            dk_cpr(foedt, loebenr) AS cpr,
            {_sql_list(ANBRINGELSER)}[type + 1] AS anbringelsestype,
            dk_date(start) AS startdato,
            dk_date(slut) AS slutdato,
            lpad(CAST(kommune AS VARCHAR), 3, '0') AS betalingskommune,
            dk_id('L', kommune, leverandoer_nr) AS leverandoer_id,
            dk_number(takst) AS takst,
            {_sql_list(UNITS)}[enhed + 1] AS takst_enhed,
            dk_date(oprettet) AS oprettet_dato
        FROM a_raw""")
    return "anbringelser_out"


def _format_small(con, name: str, frame: pd.DataFrame) -> str:
    con.register(f"{name}_raw", frame.assign(ord=np.arange(len(frame), dtype=float)))
    con.execute(f"CREATE TABLE {name}_out AS SELECT ord, * EXCLUDE (ord) FROM {name}_raw")
    return f"{name}_out"


def _dirty(con, table: str, ex: _Extract, rng) -> tuple[str, dict[str, int]]:
    """Break disjoint clean rows, one set per code; return the dirty extract's query and the
    counts."""
    has_number = con.execute(
        f"SELECT {ex.number} IS NOT NULL AS x FROM {table} ORDER BY ord"
    ).fetchnumpy()["x"]
    n = has_number.size
    per_code = round(BAD_SHARE_PER_CODE * n)
    quota = {c: per_code for c in ex.codes}
    if per_code == 0:
        quota.update({c: 1 for c in ex.codes[: int(0.0125 * n)]})
    if quota.get("date_invalid"):
        # one bad date in each date column at least, so that every column's check is exercised
        quota["date_invalid"] = max(quota["date_invalid"], len(ex.dates))
    order = rng.permutation(n)
    free = np.ones(n, dtype=bool)
    picks = []
    for code in ex.codes:
        needs_number = code in ("number_invalid", "unit_invalid", "duplicate_conflict")
        ok = free[order] & (has_number[order] if needs_number else True)
        chosen = order[ok][: quota[code]]
        free[chosen] = False
        quota[code] = chosen.size
        picks.append(pd.DataFrame({"ord": chosen.astype(float), "code": code}))
    counts = {c: q * 2 if c == "duplicate_conflict" else q for c, q in quota.items()}
    if not any(quota.values()):
        return f"SELECT * FROM {table}", counts
    con.register("picked", pd.concat(picks))
    rows = con.execute(
        f"SELECT t.*, p.code FROM {table} t JOIN picked p USING (ord) ORDER BY t.ord"
    ).df()
    fixed = []
    for code, group in rows.groupby("code", sort=False):
        broken = _break(code, group.drop(columns="code").reset_index(drop=True), ex, rng)
        if code in COPY_CODES:
            # the copy lands somewhere after the row it copies
            broken["ord"] = (
                np.floor(broken["ord"] + rng.random(len(broken)) * (n - 1 - broken["ord"])) + 0.5
            )
        fixed.append(broken)
    con.register(
        "fixed",
        pd.concat(fixed).astype({c: "object" for c in rows.columns if c not in ("ord", "code")}),
    )
    columns = ", ".join(c for c in rows.columns if c not in ("ord", "code"))
    query = f"""
        SELECT ord, {columns} FROM {table} WHERE ord NOT IN (SELECT ord FROM fixed)
        UNION ALL SELECT ord, {columns} FROM fixed"""
    return query, counts


def _break(  # noqa: C901, PLR0912 - one branch per reason code of extracts.md's table
    code: str, rows: pd.DataFrame, ex: _Extract, rng
) -> pd.DataFrame:
    """Rows that break exactly one rule, each in one of a few realistic ways."""
    i = np.arange(len(rows))
    if code == "missing_required":
        for j, column in enumerate(ex.required):
            rows.loc[i % len(ex.required) == j, column] = None
    elif code == "cpr_invalid":
        cpr = rows["cpr"].astype(str)
        short, feb31, month13 = cpr.str[:-1], "3102" + cpr.str[4:], cpr.str[:2] + "13" + cpr.str[4:]
        rows["cpr"] = np.select([i % 3 == 0, i % 3 == 1], [short, feb31], month13)
    elif code == "date_invalid":
        year = rows[ex.dates[0]].astype(str).str[-4:]
        impossible = np.where(i % 2 == 0, "31-04-" + year, "30-02-" + year)
        for j, column in enumerate(ex.dates):
            rows.loc[i % len(ex.dates) == j, column] = impossible[i % len(ex.dates) == j]
    elif code == "period_invalid":
        start = pd.to_datetime(rows["startdato"], format="%d-%m-%Y")
        before = start - pd.to_timedelta(rng.integers(1, 120, len(rows)), unit="D")
        rows["slutdato"] = before.dt.strftime("%d-%m-%Y")
    elif code == "before_birth":
        before = _birth_date(rows["cpr"]) - pd.to_timedelta(
            rng.integers(1, 366, len(rows)), unit="D"
        )
        rows[ex.dates[0]] = before.dt.strftime("%d-%m-%Y")
    elif code == "kommune_invalid":
        rows["betalingskommune"] = np.array(["1", "abc", "75"], dtype=object)[i % 3]
    elif code == "paragraf_unknown":
        rows["paragraf"] = np.array(ex.unknown_paragraphs)[i % len(ex.unknown_paragraphs)]
    elif code == "number_invalid":
        value = rows[ex.number].astype(str)
        rows[ex.number] = np.where(i % 2 == 0, "-" + value, "ca. " + value)
    elif code == "unit_invalid":
        rows["takst_enhed"] = np.array([None, "uge", "stk"], dtype=object)[i % 3]
    elif code == "duplicate_conflict":
        value = rows[ex.number].astype(str).str.replace(",", ".").astype(float)
        rows[ex.number] = (value * 1.03).map("{:.2f}".format).str.replace(".", ",")
    elif code == "unknown_leverandoer":
        rows["leverandoer_id"] = [f"L000-{k:04d}" for k in i]
    elif code == "unknown_sagsbehandler":
        rows["sagsbehandler_id"] = [f"S000-{k:04d}" for k in i]
    return rows


def _birth_date(cpr: pd.Series) -> pd.Series:
    """The birth date the contract's century rule reads from CPR numbers written DDMMYY-SSSS."""
    yy, digit7 = cpr.str[4:6].astype(int), cpr.str[7].astype(int)
    century = np.select(
        [digit7 <= 3, digit7.isin([4, 9])],
        [1900, np.where(yy <= 36, 2000, 1900)],
        np.where(yy <= 57, 2000, 1800),
    )
    return pd.to_datetime(cpr.str[:4] + (century + yy).astype(str), format="%d%m%Y")


def _write_csv(con, query: str, path: Path) -> int:
    """Write semicolon-separated CSV with CRLF as a Windows export would, then transcode to
    Windows-1252."""
    utf8 = path.with_suffix(".csv.utf8")
    # ties are copies injected into the same gap; the id after ord orders them
    con.execute(
        f"COPY (SELECT * EXCLUDE (ord) FROM ({query}) ORDER BY ord, 1) TO {literal(utf8)} "
        "(HEADER, DELIMITER ';', NEW_LINE '\\r\\n')"
    )
    with (
        open(utf8, encoding="utf-8", newline="") as src,
        open(path, "w", encoding="cp1252", newline="") as dst,
    ):
        shutil.copyfileobj(src, dst, 1 << 24)
    utf8.unlink()
    return con.execute(f"SELECT count(*) FROM ({query})").fetchall()[0][0]
