"""The reports' Danish vocabulary, read from the seeds the warehouse was built with: paragraph names
(paragraffer), budget areas (budgetomraader), age bands (aldersgrupper), placement types
(anbringelsestyper), municipalities (kommuner), every other code's word (etiketter), how each
figure is shown (visning) and the caseworkers' names and teams (intermediate.int_sagsbehandlere).
The one place a code becomes a word: a code without one is shown as it is."""

from __future__ import annotations

from dataclasses import dataclass, field

from .report_text import Unit


@dataclass
class Labels:
    words: dict = field(default_factory=dict)  # (felt, kode) -> tekst
    units: dict = field(default_factory=dict)  # (indicator, opdeling or "") -> Unit
    short: dict = field(default_factory=dict)  # indicator -> the tile's short name
    caseworkers: dict = field(default_factory=dict)  # id -> (navn, team)
    groups: dict = field(default_factory=dict)  # kommunekode -> comparison group

    def word(self, felt: str, kode: str, **values) -> str:
        text = self.words.get((felt, str(kode)), str(kode))
        return text.format(**values) if values else text

    def has(self, felt: str, kode: str) -> bool:
        return (felt, str(kode)) in self.words

    def kommune(self, kode: str) -> str:
        return self.words.get(("kommune", kode), f"Kommune {kode}")

    def breakdown(self, name: str) -> str:
        return self.word("opdeling", name)

    def value(self, breakdown: str, code: str) -> str:
        """A breakdown value as a reader says it: § 107 Midlertidigt botilbud, Døgninstitution,
        18–23 år, Mette Hansen (S101-0001)."""
        if breakdown == "sagsbehandler":
            return self.caseworker(code)
        if breakdown == "paragraf:sagsbehandler":
            paragraf, _, caseworker = str(code).partition(":")
            return f"{self.caseworker(caseworker)}, {self.word('paragraf', paragraf)}"
        # a breakdown's values are named under its own name (aldersgruppe:botilbud's are ages)
        return self.word(breakdown.split(":")[0], code)

    def caseworker(self, code: str) -> str:
        name = self.caseworkers.get(code, (None, None))[0]
        return f"{name} ({code})" if name else str(code)

    def team_of(self, code: str) -> str:
        return self.caseworkers.get(code, (None, "ukendt"))[1]

    def unit(self, indicator: str, breakdown: str = "", enhed: str = "antal") -> Unit:
        """How a figure is shown; an indicator seed visning does not know is shown in its
        declared unit (enhed), shares and hours with one decimal, other figures whole."""
        fallback = Unit(enhed, 1 if enhed in ("andel", "timer") else 0)
        return self.units.get((indicator, breakdown)) or self.units.get((indicator, ""), fallback)


def read_labels(con) -> Labels:
    """The vocabulary of a published warehouse (seeds it lacks give no words)."""
    tables = {
        f"{s}.{t}"
        for s, t in con.execute("select schema_name, table_name from duckdb_tables()").fetchall()
    }
    tables |= {
        f"{s}.{v}"
        for s, v in con.execute("select schema_name, view_name from duckdb_views()").fetchall()
    }
    labels = Labels()

    def rows(table: str, query: str) -> list:
        return con.execute(query).fetchall() if table in tables else []

    for felt, kode, tekst in rows("seeds.etiketter", "select * from seeds.etiketter"):
        labels.words[(felt, kode)] = tekst
    sql = "select paragraf, navn from seeds.paragraffer"
    for paragraf, navn in rows("seeds.paragraffer", sql):
        labels.words[("paragraf", paragraf)] = f"§\u00a0{paragraf} {navn}"
    for table, key in (
        ("budgetomraader", "omraade"),
        ("aldersgrupper", "aldersgruppe"),
        ("anbringelsestyper", "anbringelsestype"),
        ("kommuner", "kommunekode"),
    ):
        felt = "kommune" if key == "kommunekode" else key
        for kode, navn in rows(f"seeds.{table}", f"select {key}, navn from seeds.{table}"):
            labels.words[(felt, kode)] = navn
    sql = "select indicator, opdeling, enhed, decimaler, enhedstekst, kort_navn from seeds.visning"
    for indicator, opdeling, enhed, decimaler, tekst, kort in rows("seeds.visning", sql):
        labels.units[(indicator, opdeling or "")] = Unit(enhed, int(decimaler), tekst or "")
        if kort:
            labels.short[indicator] = kort
    sql = "select sagsbehandler_id, navn, team from intermediate.int_sagsbehandlere"
    for code, navn, team in rows("intermediate.int_sagsbehandlere", sql):
        labels.caseworkers[code] = (navn, team)
    sql = "select kommunekode, gruppe from seeds.sammenligningsgrupper"
    labels.groups = dict(rows("seeds.sammenligningsgrupper", sql))
    return labels
