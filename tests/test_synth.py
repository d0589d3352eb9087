"""The synthetic generator writes the contract's Danish dialect, deterministically, and dirt on
demand."""

import re
from collections import Counter
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from tools.synth import EXTRACTS, write_extracts

AS_OF = date(2024, 6, 30)
ROOT = Path(__file__).parents[1]
CONTRACT = yaml.safe_load((ROOT / "models" / "sources.yml").read_text())
COLUMNS = {t["name"]: [c["name"] for c in t["columns"]] for t in CONTRACT["sources"][0]["tables"]}
CATALOGUE = (
    pd.read_csv(ROOT / "seeds" / "paragraffer.csv", dtype=str)
    .groupby("udtraek")["paragraf"]
    .agg(set)
)
UNITS = {"dag", "maaned", "aar", "time"}
DATE = r"\d{2}-\d{2}-\d{4}"


@pytest.fixture(scope="module")
def clean(tmp_path_factory):
    out = tmp_path_factory.mktemp("clean")
    return out, write_extracts(out, grants=2_000, as_of=AS_OF)


@pytest.fixture(scope="module")
def dirty(tmp_path_factory):
    out = tmp_path_factory.mktemp("dirty")
    # about the smallest size at which the 800 placements get one bad row of each of their codes
    return out, write_extracts(out, grants=40_000, as_of=AS_OF, dirty=True)


def read(folder: Path, name: str) -> pd.DataFrame:
    return pd.read_csv(
        folder / f"{name}.csv", sep=";", encoding="cp1252", dtype=str, keep_default_na=False
    )


def birth_date(cpr: pd.Series) -> pd.Series:
    """The birth date by the contract's century rule; NaT when the CPR number is invalid."""
    ok = cpr.str.fullmatch(r"\d{6}-?\d{4}")
    digits = cpr.str.replace("-", "").where(ok, "0000000000")
    yy, digit7 = digits.str[4:6].astype(int), digits.str[6].astype(int)
    century = np.select(
        [digit7 <= 3, digit7.isin([4, 9])],
        [1900, np.where(yy <= 36, 2000, 1900)],
        np.where(yy <= 57, 2000, 1800),
    )
    return pd.to_datetime(
        digits.str[:4] + (century + yy).astype(str), format="%d%m%Y", errors="coerce"
    )


def reason_codes(df: pd.DataFrame, name: str) -> Counter:
    """The contract's reason-code table, first matching rule wins, then the duplicates among the
    rest."""
    ex = EXTRACTS[name]
    dates = {c: pd.to_datetime(df[c], format="%d-%m-%Y", errors="coerce") for c in ex.dates}
    numbers = [c for c in ("takst", "beloeb", "timer_pr_uge") if c in df]
    rules = {
        "missing_required": (df[list(ex.required)] == "").any(axis=1),
        "cpr_invalid": birth_date(df["cpr"]).isna(),
        "date_invalid": pd.concat([(df[c] != "") & dates[c].isna() for c in ex.dates], axis=1).any(
            axis=1
        ),
        "period_invalid": dates["slutdato"] < dates["startdato"] if "slutdato" in df else False,
        "before_birth": dates[ex.dates[0]] < birth_date(df["cpr"]),
        "paragraf_unknown": ~df["paragraf"].isin(CATALOGUE[name]) if "paragraf" in df else False,
        "kommune_invalid": ~df["betalingskommune"].str.fullmatch(r"0?\d{3}"),
        "number_invalid": pd.concat(
            [
                (df[c] != "") & ~(pd.to_numeric(df[c].str.replace(",", "."), errors="coerce") >= 0)
                for c in numbers
            ],
            axis=1,
        ).any(axis=1),
        "unit_invalid": (df["takst"] != "") & ~df["takst_enhed"].isin(UNITS)
        if "takst_enhed" in df
        else False,
    }
    code = pd.Series("", index=df.index)
    for reason, broken in rules.items():
        code[(code == "") & broken] = reason
    rest = df[code == ""]
    distinct = rest.drop_duplicates()
    conflict = rest[ex.required[0]].isin(
        distinct.loc[distinct[ex.required[0]].duplicated(), ex.required[0]]
    )
    code[conflict[conflict].index] = "duplicate_conflict"
    code[rest.index[rest.duplicated() & ~conflict]] = "duplicate_exact"
    return Counter(code[code != ""])


# Columns the contract lets an extract carry besides its own: FOLK1A's area name and sex.
EXTRA = {"befolkning": ["omraade", "koen"]}


def test_writes_seven_extracts_with_the_contracts_columns(clean):
    folder, summary = clean
    for name, columns in COLUMNS.items():
        header = (folder / f"{name}.csv").read_bytes().split(b"\r\n")[0].decode("ascii")
        assert [c for c in header.split(";") if c not in EXTRA.get(name, [])] == columns
        assert summary[name] == len(read(folder, name)) > 0


def test_danish_dialect(clean):
    folder, _ = clean
    raw = b"".join((folder / f"{name}.csv").read_bytes() for name in COLUMNS)
    assert raw.decode("cp1252") == raw.decode("latin-1")  # no bytes in cp1252's 0x80-0x9F block
    assert "ø".encode("cp1252") in raw and b"\xc3" not in raw  # Danish letters, not UTF-8
    y = read(folder, "ydelser")
    assert y["cpr"].str.fullmatch(r"\d{6}-\d{4}").all()
    for column in ("startdato", "slutdato", "oprettet_dato"):
        assert y[column].str.fullmatch(f"({DATE})?").all()
    assert y["takst"].str.fullmatch(r"(\d+,\d{2})?").all()
    assert set(y["botilbudslignende"]) == {"ja", "nej"}
    assert (y["betalingskommune"] == "751").all()
    assert set(read(folder, "budget")["aar"]) == {"2023", "2024"}


def test_clean_extracts_break_no_rule_and_references_resolve(clean):
    folder, _ = clean
    for name in EXTRACTS:
        assert reason_codes(read(folder, name), name) == Counter()
    y = read(folder, "ydelser")
    assert set(y["leverandoer_id"]) - {""} <= set(read(folder, "leverandoerer")["leverandoer_id"])
    assert set(y["sagsbehandler_id"]) - {""} <= set(
        read(folder, "sagsbehandlere")["sagsbehandler_id"]
    )
    # every paragraph of the catalogue, those in no group too
    assert set(y["paragraf"]) == CATALOGUE["ydelser"]
    assert set(read(folder, "engangsbevillinger")["paragraf"]) == CATALOGUE["engangsbevillinger"]


def test_cpr_birth_dates_follow_the_century_rule(clean):
    folder, _ = clean
    cpr = pd.concat([read(folder, n)["cpr"] for n in ("ydelser", "anbringelser")]).drop_duplicates()
    age = (pd.Timestamp(AS_OF) - birth_date(cpr)).dt.days / 365.25
    assert age.between(0, 91).all() and age.min() < 18 and age.max() > 70


def test_same_seed_same_bytes(tmp_path, clean):
    folder, _ = clean
    write_extracts(tmp_path / "again", grants=2_000, as_of=AS_OF)
    write_extracts(tmp_path / "other", grants=2_000, as_of=AS_OF, seed=7)
    for name in COLUMNS:
        assert (tmp_path / "again" / f"{name}.csv").read_bytes() == (
            folder / f"{name}.csv"
        ).read_bytes()
    assert (tmp_path / "other" / "ydelser.csv").read_bytes() != (
        folder / "ydelser.csv"
    ).read_bytes()


def test_dirty_mode_injects_each_reason_code(dirty):
    folder, summary = dirty
    for name, ex in EXTRACTS.items():
        df = read(folder, name)
        injected = {c: summary[f"{name}:{c}"] for c in ex.codes if not c.startswith("unknown_")}
        assert reason_codes(df, name) == Counter({c: n for c, n in injected.items() if n})
        assert summary[name] == len(df)
        assert sum(injected.values()) < 0.05 * len(df)
        assert all(summary[f"{name}:{c}"] > 0 for c in ex.codes)
    y = read(folder, "ydelser")
    unknown = ~y["leverandoer_id"].isin(set(read(folder, "leverandoerer")["leverandoer_id"]) | {""})
    assert unknown.sum() == summary["ydelser:unknown_leverandoer"]
    unknown = ~y["sagsbehandler_id"].isin(
        set(read(folder, "sagsbehandlere")["sagsbehandler_id"]) | {""}
    )
    assert unknown.sum() == summary["ydelser:unknown_sagsbehandler"]


def test_dirty_mode_puts_a_bad_date_in_every_date_column(dirty):
    folder, _ = dirty
    for name, ex in EXTRACTS.items():
        df = read(folder, name)
        for column in ex.dates:
            bad = (df[column] != "") & pd.to_datetime(
                df[column], format="%d-%m-%Y", errors="coerce"
            ).isna()
            assert bad.any(), f"{name}.{column}: no impossible date injected"


def test_national_scale_spreads_over_real_municipality_codes(tmp_path):
    summary = write_extracts(tmp_path, grants=3_000, municipalities=98, as_of=AS_OF)
    paying = set(read(tmp_path, "ydelser")["betalingskommune"])
    assert {"101", "751", "461", "851"} <= paying and all(re.fullmatch(r"\d{3}", k) for k in paying)
    assert summary["budget"] == 98 * 2 * 5


def test_wide_caseworkers_each_work_in_every_municipality(tmp_path):
    write_extracts(tmp_path, grants=4_000, municipalities=3, as_of=AS_OF, caseworkers_everywhere=20)
    caseworkers = set(read(tmp_path, "sagsbehandlere")["sagsbehandler_id"])
    assert len(caseworkers) == 20
    for name in ("ydelser", "engangsbevillinger"):
        assert reason_codes(read(tmp_path, name), name) == Counter()
    y = read(tmp_path, "ydelser")
    y = y[y["sagsbehandler_id"] != ""]
    assert set(y["sagsbehandler_id"]) <= caseworkers
    # all 3 x 20 caseworker-municipality pairs occur
    assert len(y[["betalingskommune", "sagsbehandler_id"]].drop_duplicates()) == 3 * 20


def test_befolkning_covers_each_municipality_last_year_and_this_by_age_and_sex(clean):
    folder, _ = clean
    df = read(folder, "befolkning")
    assert set(df["aar"]) == {"2023", "2024"} and set(df["kommunekode"]) == {"751"}
    assert len(df) == 2 * 2 * 101  # years x sexes x ages 0..99 and DST's '100+'
    assert set(df["alder"]) == {str(a) for a in range(100)} | {"100+"}
    assert df["antal"].str.fullmatch(r"\d+").all()
    # Aarhus, about 350,000 inhabitants (KOMMUNER's size)
    assert 300_000 < df.loc[df["aar"] == "2024", "antal"].astype(int).sum() < 400_000
