"""The mutation check: do the tests catch what they claim to?

Each mutation below is a deliberate, realistic bug in a model, macro, seed or project setting:
a file, the exact text it replaces (it must occur exactly once), the replacement, and the tests
that should fail because of it. Each is applied alone to a copy of the project (the work tree
without .venv, .git and build output), the named tests run there with `pytest -x`, and the
mutation is *killed* when they fail, *survived* when they pass. Before the mutations, the union
of the named tests runs once on the unmutated copy: a test that already fails would kill all.

Run on demand, not in every CI run (a mutation costs a build or two):

    .venv/bin/python -m tests.mutations                    # every mutation, then a summary table
    .venv/bin/python -m tests.mutations helmaaned_30 ...   # only these
    .venv/bin/python -m tests.mutations --list             # names, files, whether each applies

Exit status 0 when every mutation was killed; 1 when one survived, did not apply (its text is no
longer in the file: update the mutation with the code), or the baseline failed. When a defect is
fixed, add its mutation here with the test that now catches it.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# Left out of the copy: the environment (the copy runs with this interpreter) and build output.
IGNORED = shutil.ignore_patterns(
    ".venv",
    ".git",
    "warehouse",
    "target",
    "demo",
    "*.egg-info",
    "__pycache__",
    ".pytest_cache",
    ".ruff_cache",
)

IND = "tests/test_indicators.py::"
STG = "tests/test_staging.py::"
AEN = "tests/test_aendringer.py::"
PRE = "tests/test_precedence.py::"
YRS = "tests/test_years_and_mappings.py::"
LAST = "tests/test_last_moment.py::"
DIS = "tests/test_discretion.py::"
FLB = "tests/test_forloeb.py::"
EDGE = "tests/test_input_edges.py::"
OUT = "tests/test_output_folders.py::"
HOST2 = "tests/test_hostile_second_round.py::"
REF = "tests/test_reference.py::"
UTD = "tests/test_up_to_date.py::"
FP = "tests/test_fingerprint.py::test_a_change_to_an_input_gives_a_new_fingerprint"


@dataclass(frozen=True)
class Mutation:
    name: str
    file: str
    old: str
    new: str
    tests: tuple[str, ...]
    why: str


MUTATIONS = [
    # -- the seven of issue 15: four that got through every test, three only the reference caught --
    Mutation(
        "anbringelse_oprettet_unchecked",
        "models/staging/parsed_anbringelser.sql",
        "any_unparsed(['startdato', 'slutdato', 'oprettet_dato'])",
        "any_unparsed(['startdato', 'slutdato'])",
        (STG + "test_every_date_column_of_every_extract_is_checked",),
        "a placement's oprettet_dato is not checked as a date",
    ),
    Mutation(
        "helmaaned_30",
        "models/marts/helmaanedsmodtagere.sql",
        "persondage / dage as helmaanedsmodtagere",
        "persondage / 30 as helmaanedsmodtagere",
        (IND + "test_helmaanedsmodtagere_divide_by_the_days_of_the_month",),
        "helmaanedsmodtagere divided by 30, not the days of the month",
    ),
    Mutation(
        "kommuner_without_budget",
        "models/intermediate/int_kommuner.sql",
        "\nunion select kommunekode from budget",
        "",
        (IND + "test_a_municipality_only_in_the_budget_gets_every_total_row",),
        "a municipality found only in budget gets no rows",
    ),
    Mutation(
        "seed_97_dagtilbud",
        "seeds/paragraffer.csv",
        "97,ydelser,Ledsageordning,stoette_i_eget_hjem",
        "97,ydelser,Ledsageordning,dagtilbud",
        (IND + "test_11_puts_each_paragraph_in_its_budget_area",),
        "§97 in the dagtilbud budget area",
    ),
    Mutation(
        "engangs_before_s",
        "models/intermediate/int_engangsudgifter.sql",
        "bevillingsdato between statusdatoer.periode_start and statusdatoer.status_date",
        "bevillingsdato >= statusdatoer.periode_start\n"
        "    and engangsbevillinger.bevillingsdato < statusdatoer.status_date",
        (IND + "test_one_off_grants_dated_in_j_to_s_both_included",),
        "a one-off grant dated on s is left out (< s, not <= s)",
    ),
    Mutation(
        "ind10_zero_cost_counted",
        "models/marts/ind_10_udgifter_pr_sagsbehandler.sql",
        "min(kendt_fra_status) filter (where udgift_7n > 0) as foerste_status",
        "min(kendt_fra_status) as foerste_status",
        (IND + "test_indicator_10_counts_only_persons_whose_cost_is_above_zero",),
        "10's total and caseworker rows count persons whose cost is 0",
    ),
    Mutation(
        "apt_month_end_rule",
        "macros/helaarsmodtagere.sql",
        "{{ maaned_nr('dag') }} as nr",
        "{{ maaned_nr('dag + 1') }} as nr",
        (IND + "test_13_point_on_a_month_end_needs_the_service_on_that_day",),
        "13's point count: a period ending before a month end still counts on it",
    ),
    # -- thirteen more, across the layers --
    Mutation(
        "active_on_s_strict",
        "macros/helaarsmodtagere.sql",
        "kendt_til, til + 1, -1, 0",
        "kendt_til, til, -1, 0",
        (IND + "test_grant_ending_on_s_counts_and_one_starting_the_day_after_does_not",),
        "a service ending on s is not active on s (< instead of <=)",
    ),
    Mutation(
        "seed_104_botilbud",
        "seeds/ydelsesgrupper.csv",
        "dagtilbud,104,false",
        "botilbud,104,false",
        (IND + "test_grant_ending_on_s_counts_and_one_starting_the_day_after_does_not",),
        "§104 in the botilbud group",
    ),
    Mutation(
        "ind15_person_twice",
        "models/marts/ind_15_udgift_merudgift.sql",
        "select person.kommunekode, person.status_date, -count(*)",
        "select person.kommunekode, person.status_date, 0",
        (IND + "test_15_counts_a_person_once_in_each_part_and_in_the_total",),
        "15's total counts a person in both parts twice (not taken out of the day's persons)",
    ),
    Mutation(
        "leap_year_365",
        "models/intermediate/int_udgifter_pr_bevilling.sql",
        "{{ dage_i_aar('periode_start') }} as dage_i_aar",
        "365 as dage_i_aar",
        (IND + "test_leap_year",),
        "a leap year has 365 days in the daily cost",
    ),
    Mutation(
        "provider_join_key",
        "models/intermediate/int_bevillinger.sql",
        "on leverandoerer.leverandoer_id = ydelser.leverandoer_id",
        "on leverandoerer.leverandoer_id = ydelser.sagsbehandler_id",
        (IND + "test_overlapping_grants_count_once_per_day",),
        "providers joined on the wrong key: every provider type unknown",
    ),
    Mutation(
        "quarantine_limit_50",
        "lis_project.yml",
        "quarantine_max_share: 0.05",
        "quarantine_max_share: 0.5",
        (STG + "test_the_extract_is_broken_above_5_percent_quarantined",),
        "the quarantine limit read as 50 %",
    ),
    Mutation(
        "duplicate_keeps_last",
        "macros/quarantine_rules.sql",
        "({{ copies }} order by _file, _line) > 1",
        "({{ copies }} order by _file, _line desc) > 1",
        (STG + "test_every_row_gets_the_first_reason_code_it_earns",),
        "of exact copies the last is kept, not the first",
    ),
    Mutation(
        "refusion_age_67",
        "models/marts/ind_06_refusion.sql",
        "}} >= 67 then null",
        "}} > 67 then null",
        (IND + "test_refusion_thresholds_and_age_67",),
        "06 counts persons aged 67",
    ),
    Mutation(
        "refusion_threshold_inclusive",
        "models/marts/ind_06_refusion.sql",
        "graense.graense_25 as decimal(18, 6)) + 0.005",
        "graense.graense_25 as decimal(18, 6)) - 0.005",
        (IND + "test_refusion_at_2021_thresholds_with_yearly_takst",),
        "expenses equal to the lower threshold count as exceeding it",
    ),
    Mutation(
        "cpr_century_37",
        "macros/parsing.sql",
        "case when {{ yy }} <= '36' then '20' else '19' end",
        "case when {{ yy }} <= '37' then '20' else '19' end",
        (STG + "test_the_birth_date_follows_the_century_rule",),
        "7th digit 4 or 9 with YY = 37 read as the 2000s",
    ),
    Mutation(
        "known_on_as_of_excluded",
        "macros/perioder.sql",
        "case when {{ oprettet_dato }} > date '{{ var(\"as_of\") }}' then null",
        "case when {{ oprettet_dato }} >= date '{{ var(\"as_of\") }}' then null",
        (IND + "test_registered_after_status_date",),
        "a row registered on the status date is not known at it",
    ),
    Mutation(
        "status_dates_this_year_only",
        "models/intermediate/int_statusdatoer.sql",
        "generate_series(make_date(year(s) - 1, 1, 1)::timestamp",
        "generate_series(make_date(year(s), 1, 1)::timestamp",
        (IND + "test_every_total_row_for_every_status_date",),
        "status dates start in January of the status date's year, not the year before",
    ),  # -- issue 21, what forces a rebuild: each input missing from the fingerprint --
    Mutation(
        "fingerprint_without_code",
        "runner/fingerprint.py",
        '"code": _hash_files(code, CODE),',
        '"code": "",',
        (FP,),
        "a change to the runner's code is not rebuilt",
    ),
    Mutation(
        "fingerprint_without_vars",
        "runner/fingerprint.py",
        'settings = sorted((k, v) for k, v in run_vars.items() if k != "pseudonym_key") + versions',
        "settings = versions",
        (FP,),
        "another status date is taken as up to date",
    ),
    Mutation(
        "fingerprint_without_versions",
        "runner/fingerprint.py",
        '_PACKAGES = ("duckdb", "great-expectations", "sqlglot")',
        "_PACKAGES = ()",
        (FP,),
        "a new DuckDB or great-expectations is taken as up to date",
    ),
    Mutation(
        "model_sources_without_sql",
        "runner/fingerprint.py",
        "paths = [node.path for node in project.nodes.values()]",
        "paths = []",
        (FP,),
        "an edited model is taken as up to date: its rendering is skipped",
    ),
    Mutation(
        "model_sources_without_yaml",
        "runner/fingerprint.py",
        'paths += [*project.macro_paths, *project.root.joinpath("models").rglob("*.yml")]',
        "paths += [*project.macro_paths]",
        (FP,),
        "an edited model YAML (expectations, configuration) is taken as up to date",
    ),
    Mutation(
        "copied_fingerprints_without_change_time",
        "runner/published.py",
        "found.st_mtime_ns, found.st_ctime_ns]",
        "found.st_mtime_ns]",
        (UTD + "test_another_publication_written_over_the_file_is_not_taken_for_it",),
        "a publication copied over the file in place, times put back, is taken as up to date",
    ),
    Mutation(
        "copied_fingerprints_for_any_file",
        "runner/published.py",
        'if copy is not None and copy.get("file") == identity:',
        "if copy is not None:",
        (UTD + "test_another_publication_written_over_the_file_is_not_taken_for_it",),
        "the copy beside the warehouse is trusted for whatever file is there now",
    ),
    # -- marts.aendringer (issue 23) --
    Mutation(
        "aendringer_periode_med_dagens_pris",
        "models/intermediate/int_aendringer_pr_bevilling.sql",
        "{{ bevilling_udgift_7n('foer', 'efter', 'efter.oprettet_dato'",
        "{{ bevilling_udgift_7n('efter', 'efter', 'efter.oprettet_dato'",
        (AEN + "test_each_cause_is_worked_out_grant_by_grant_and_sums_exactly",),
        "periode is computed with today's price, so a price change counts as periode",
    ),
    Mutation(
        "aendringer_oprettet_ignored_now",
        "models/intermediate/int_aendringer_pr_bevilling.sql",
        "coalesce(efter.oprettet_dato <= efter.status_date or efter.oprettet_dato is null, false)",
        "true",
        (AEN + "test_each_cause_is_worked_out_grant_by_grant_and_sums_exactly",),
        "a grant registered after s1 is taken as known now: bortfaldet becomes periode",
    ),
    Mutation(
        "aendringer_total_not_netted",
        "models/intermediate/int_aendringer.sql",
        "    from netto\n",
        "    from dele\n",
        (AEN + "test_each_cause_is_worked_out_grant_by_grant_and_sums_exactly",),
        "a move between areas of one municipality counts as two grants on total",
    ),
    Mutation(
        "aendringer_baseline_never_carried",
        "runner/baseline.py",
        "source = CARRIED if same_month else SNAPSHOT",
        "source = SNAPSHOT",
        (AEN + "test_a_second_build_of_the_month_carries_the_baseline_forward",),
        "a second build of the month compares with the first instead of last month's last",
    ),
    Mutation(
        "aendringer_backfill_by_day",
        "runner/baseline.py",
        "if _month(published) > _month(as_of):",
        "if published > as_of:",
        (AEN + "test_a_second_build_of_the_month_carries_the_baseline_forward",),
        "an earlier day of the same month is taken for a back-fill, and the baseline dropped",
    ),
    # -- issue 21: which reason code wins, duplicates differing in one column, codes at the edge --
    Mutation(
        "before_birth_before_period",
        "models/staging/parsed_ydelser.sql",
        "when slutdato_p < startdato_p then 'period_invalid'\n"
        "            when startdato_p < foedselsdato then 'before_birth'",
        "when startdato_p < foedselsdato then 'before_birth'\n"
        "            when slutdato_p < startdato_p then 'period_invalid'",
        (PRE + "test_the_earlier_of_two_codes_wins",),
        "ydelser: before_birth checked before period_invalid",
    ),
    Mutation(
        "engangs_paragraf_before_birth",
        "models/staging/parsed_engangsbevillinger.sql",
        "when bevillingsdato_p < foedselsdato then 'before_birth'\n"
        "            when {{ paragraf_unknown('paragraf_p', ref('paragraffer'), "
        "'engangsbevillinger') }} then 'paragraf_unknown'",
        "when {{ paragraf_unknown('paragraf_p', ref('paragraffer'), 'engangsbevillinger') }}"
        " then 'paragraf_unknown'\n"
        "            when bevillingsdato_p < foedselsdato then 'before_birth'",
        (PRE + "test_the_earlier_of_two_codes_wins",),
        "engangsbevillinger: paragraf_unknown checked before before_birth",
    ),
    Mutation(
        "duplicates_ignore_oprettet_dato",
        "models/staging/parsed_ydelser.sql",
        "{{ duplicate_rows(source('extracts', 'ydelser'), columns, id='bevilling_id') }}",
        "{{ duplicate_rows(source('extracts', 'ydelser'), columns[:-1], id='bevilling_id') }}",
        (PRE + "test_two_rows_that_differ_in_one_column",),
        "two grants of one id differing only in oprettet_dato are taken for exact copies",
    ),
    Mutation(
        "kommune_any_leading_zeros",
        "macros/parsing.sql",
        "'0?[0-9]{3}'",
        "'0*[0-9]{3}'",
        (PRE + "test_municipality_codes_at_the_edge",),
        "a municipality code with two leading zeros (00751) is read as 751",
    ),
    Mutation(
        "cpr_century_57_exclusive",
        "macros/parsing.sql",
        "case when {{ yy }} <= '57' then '20' else '18' end",
        "case when {{ yy }} < '57' then '20' else '18' end",
        (PRE + "test_cpr_centuries_at_every_boundary_of_the_7th_digit",),
        "7th digit 5-8 with YY = 57 read as the 1800s",
    ),
    # -- issue 21: other years, status dates at the year's edges, every value of a mapping --
    Mutation(
        "refusion_missing_75_step_is_50",
        "models/marts/ind_06_refusion.sql",
        "when graense.over_75 is null or person.udgift_7n < graense.over_75 then '50'",
        "when person.udgift_7n < coalesce(graense.over_75, graense.over_50) then '50'",
        (YRS + "test_refusion_in_a_year_without_a_75_step",),
        "a year without a 75 % threshold puts everyone above the 50 % threshold at 75",
    ),
    Mutation(
        "series_through_the_status_dates_month_end",
        "models/intermediate/int_statusdatoer.sql",
        "date_trunc('month', s)::timestamp - interval 1 day,",
        "last_day(s)::timestamp,",
        (YRS + "test_status_date_on_1_january",),
        "the month end after the status date is computed too (as of 1 January: 31 January)",
    ),
    Mutation(
        "region_is_egen",
        "seeds/leverandoertyper.csv",
        "region,ekstern",
        "region,egen",
        (YRS + "test_each_provider_type_in_07",),
        "a regional provider counts as the municipality's own",
    ),
    Mutation(
        "omraade_85_botilbudslignende_ignored",
        "models/intermediate/int_bevillinger.sql",
        "case when ydelser.paragraf = '85' and ydelser.botilbudslignende then 'botilbud'",
        "case when ydelser.paragraf = '85' and ydelser.botilbudslignende then null",
        (YRS + "test_each_paragraph_in_its_area_of_11",),
        "§85 in a botilbudslignende tilbud counts in no area of 11",
    ),
    # -- issue 21: the reference in other years (2020, a leap year without a 75 % step, with 2019
    #    and no thresholds; 29 February 2024, no thresholds); the 2022 variants cannot see these --
    Mutation(
        "refusion_75_row_before_2021",
        "models/marts/ind_06_refusion.sql",
        "\nwhere skelet.opdeling_vaerdi <> '75' or graense.graense_75 is not null",
        "",
        (
            YRS + "test_refusion_in_a_year_without_a_75_step",
            REF + "test_06_has_the_rows_of_the_thresholds_its_year_has[leap_2020]",
        ),
        "a year without graense_75 (2020) has a row for the rate 75 (0), a rate it did not have",
    ),
    Mutation(
        "refusion_rows_without_thresholds",
        "models/marts/ind_06_refusion.sql",
        "join refusionsgraenser as graense on graense.aar::integer = year(skelet.status_date)",
        "left join refusionsgraenser as graense on graense.aar::integer = year(skelet.status_date)",
        (REF + "test_06_has_the_rows_of_the_thresholds_its_year_has[leap_day_2024]",),
        "06 has rows of 0 in a year the seed has no thresholds for (2023, 2024)",
    ),
    Mutation(
        "days_in_year_of_the_as_of",
        "models/intermediate/int_udgifter_pr_bevilling.sql",
        "{{ dage_i_aar('periode_start') }} as dage_i_aar",
        "{{ dage_i_aar(\"date '\" ~ var('as_of') ~ \"'\") }} as dage_i_aar",
        (REF + "test_build_matches_reference[leap_2020-11]",),
        "the daily cost divides by the days of the build's year: 366 for 2019 in a 2020 build",
    ),
    # -- issue 21: the last moment before publishing --
    Mutation(
        "last_chance_after_the_rename",
        "runner/publish.py",
        "    last_chance()\n    os.replace(building, warehouse)\n",
        "    os.replace(building, warehouse)\n    last_chance()\n",
        (LAST + "test_a_signal_swallowed_just_before_the_rename_still_stops_it",),
        "the last check for a signal comes after the rename: exit 143 with a new publication",
    ),
    Mutation(
        "last_chance_does_not_check",
        "runner/interrupts.py",
        "        self.check()\n        self.published = True",
        "        self.published = True",
        (LAST + "test_a_signal_swallowed_just_before_the_rename_still_stops_it",),
        "a signal whose interrupt a library swallowed is forgotten: the build publishes anyway",
    ),
    # -- issue 24's discretion findings: the declaration, the linked system, the audit --
    Mutation(
        "discretion_07_not_02",
        "models/marts/_marts.yml",
        "same_as: {total: '02 total'}",
        "same_as: {}",
        (DIS + "test_a_hidden_count_hides_its_twins_across_the_linked_marts",),
        "07's total is not declared the same quantity as 02's: 02 can be read off 07",
    ),
    Mutation(
        "discretion_helmaaned_not_linked",
        "models/marts/_marts.yml",
        "year_to_date: {botilbud: '02 total', ",
        "year_to_date: {",
        (DIS + "test_a_hidden_count_hides_its_twins_across_the_linked_marts",),
        "helmaanedsmodtagere's botilbud months are not linked to 02: 4008 / 334 = 12 shown",
    ),
    Mutation(
        "discretion_average_over_nobody_shown",
        "runner/discretion.py",
        "return 0 < persons < threshold or (persons == 0 and spent)",
        "return 0 < persons < threshold",
        (DIS + "test_an_average_over_no_person_on_the_day_is_hidden",),
        "an average over 0 persons shows one person's money (15;paragraf;100;14794,52;0)",
    ),
    Mutation(
        "discretion_money_of_few_shown",
        "models/marts/_marts.yml",
        "omraade=hjaelperordning: '04 total'",
        "omraade=hjaelperordning: '03 total'",
        (DIS + "test_the_money_of_few_persons_is_hidden_with_its_complement",),
        "11's hjaelperordning is not declared the money of 04's persons",
    ),
    Mutation(
        "discretion_undeclared_mart_loads",
        "runner/project.py",
        'discretion_policy.parse(name, doc.get("meta") or {}, doc.get("_yml", path))',
        "pass",
        (DIS + "test_a_16th_indicator_without_a_declaration_is_refused_when_the_project_loads",),
        "a mart without a discretion declaration loads: fail open",
    ),
    Mutation(
        "discretion_audit_ignores_marks",
        "runner/disclosure_audit.py",
        "return (1.0, threshold - 1.0) if whole else (0.0, float(threshold))",
        "return (0.0, None)",
        (DIS + "test_the_audit_knows_a_mark_bounds_its_cell_and_suppression_answers_it",),
        "the audit forgets that a <5 mark bounds its cell",
    ),
    # -- spells, flows, durations and per-capita rows (issue 18) --
    Mutation(
        "forloeb_adjacent_apart",
        "macros/perioder.sql",
        "exclude group) + 1",
        "exclude group)",
        (FLB + "test_adjacent_services_form_one_spell",),
        "a service starting the day after another ends begins a new spell",
    ),
    Mutation(
        "forloeb_gap_joined",
        "macros/perioder.sql",
        "exclude group) + 1",
        "exclude group) + 2",
        (FLB + "test_a_one_day_gap_forms_two_spells",),
        "services with one day between them form one spell",
    ),
    Mutation(
        "forloeb_month_before_s",
        "macros/forloeb.sql",
        "and {{ status_date }}\n",
        "and {{ status_date }} - 1\n",
        (FLB + "test_spells_starting_and_ending_inside_the_month",),
        "a spell whose last day is s is not in M(s)",
    ),
    Mutation(
        "f1_counts_spells",
        "macros/forloeb.sql",
        "count(distinct forloeb.cpr)",
        "count(forloeb.cpr)",
        (FLB + "test_spells_starting_and_ending_inside_the_month",),
        "F1 and F2 count spells, not persons: two spells starting in the month count twice",
    ),
    Mutation(
        "forloeb_open_ends_at_as_of",
        "models/intermediate/int_forloeb.sql",
        "coalesce(i_saet.slutdato, date '9999-12-31')",
        "coalesce(i_saet.slutdato, vindue.sidste)",
        (FLB + "test_an_open_ended_spell_has_no_last_day",),
        "an open-ended service ends on the status date, so its spell is an afgang",
    ),
    Mutation(
        "v1_length_without_first_day",
        "models/marts/ind_v1_varighed.sql",
        "(statusdatoer.status_date - date '1970-01-01' + 1)",
        "(statusdatoer.status_date - date '1970-01-01')",
        (FLB + "test_a_one_day_gap_forms_two_spells",),
        "a spell's length so far leaves out its first day",
    ),
    Mutation(
        "forloeb_known_always",
        "models/intermediate/int_forloeb.sql",
        "else i_saet.kendt_fra_status end as kendt_fra",
        "else vindue.foerste end as kendt_fra",
        (FLB + "test_a_late_registration_changes_a_spell_from_the_status_date_it_is_known",),
        "a service registered late carries a spell on at status dates before it was known",
    ),
    Mutation(
        "befolkning_18_65",
        "models/intermediate/int_befolkning.sql",
        "alder between 18 and 64",
        "alder between 18 and 65",
        (FLB + "test_per_capita_rows_sum_the_population_over_an_extra_column",),
        "the 65-year-olds in P(18-64)",
    ),
    Mutation(
        "befolkning_100_plus_unread",
        "macros/parsing.sql",
        "'\\d{1,3}\\+?'",
        "'\\d{1,3}'",
        (FLB + "test_per_capita_rows_sum_the_population_over_an_extra_column",),
        "DST's 100+ is not read as 100 (the rows are quarantined)",
    ),
    Mutation(
        "befolkning_other_year",
        "macros/indbyggere.sql",
        "befolkning.aar = year(total.status_date)",
        "befolkning.aar >= year(total.status_date)",
        (FLB + "test_a_year_without_population_rows_gets_no_per_capita_rows_and_a_warning",),
        "a year without population rows uses a later year's",
    ),
    Mutation(
        "pr_indbygger_18_64",
        "macros/indbyggere.sql",
        "maal, 1, 'personer') }}",
        "maal, 1, 'personer_18_64') }}",
        (FLB + "test_per_capita_rows_sum_the_population_over_an_extra_column",),
        "11's kroner per inhabitant divided by the 18-64-year-olds only",
    ),
    # -- issue 24, data loss and wrong numbers: each bug as it was, or as it would come back --
    Mutation(
        "report_replaces_anything",
        "runner/owned.py",
        "(p.name not in listed or p.is_symlink() or not p.is_file())",
        "False",
        (OUT + "test_a_report_into_a_folder_holding_other_files_is_refused_and_touches_nothing",),
        "lis report --out DIR deletes what DIR held",
    ),
    Mutation(
        "xlsx_read_by_dimension",
        "runner/extracts.py",
        "rows = _sheet_rows(workbook)",
        "rows = ((line, dict(enumerate(row, 1))) for line, row in enumerate("
        "workbook.worksheets[0].iter_rows(values_only=True), 1))",
        (
            EDGE + "test_every_row_of_a_sheet_is_read_whatever_its_dimension_says",
            EDGE + "test_a_formula_cell_gives_its_cached_value_or_its_formula_never_an_empty_field",
        ),
        "openpyxl's read-only rows: cut short by an understated dimension, a formula read as empty",
    ),
    Mutation(
        "xlsx_formula_empty",
        "runner/extracts.py",
        'cell["value"] = "=" + (formula.text or "")',
        'cell["value"] = None',
        (EDGE + "test_a_formula_cell_gives_its_cached_value_or_its_formula_never_an_empty_field",),
        "a formula cell without a cached value is an empty field",
    ),
    Mutation(
        "xlsx_not_a_zip",
        "runner/extracts.py",
        "except zipfile.BadZipFile:",
        "except KeyError:",
        (EDGE + "test_a_broken_workbook_is_an_input_error_naming_the_file",),
        "a broken workbook is reported as openpyxl's exception text",
    ),
    Mutation(
        "expense_overflow",
        "models/staging/parsed_ydelser.sql",
        "\n                or {{ udgift_for_stor('takst_p', 'takst_enhed_p', 'timer_pr_uge_p') }}",
        "",
        (HOST2 + "test_a_service_too_costly_to_carry_is_number_invalid_and_the_rest_publishes",),
        "a takst x hours no DECIMAL(38) carries fails the whole build",
    ),
    Mutation(
        "parquet_date_by_host_zone",
        "runner/extracts.py",
        "strftime(timezone({literal(EXTRACTS_TIME_ZONE)}, {column}), '%Y-%m-%d')",
        "strftime({column}, '%Y-%m-%d')",
        (EDGE + "test_a_time_zoned_parquet_timestamp_is_the_date_in_denmark_on_any_host",),
        "a time-zoned parquet timestamp's date depends on the build machine's zone",
    ),
    Mutation(
        "xlsx_control_character",
        "runner/export.py",
        "ILLEGAL_CHARACTERS_RE.sub(XLSX_REPLACEMENT, str(value))",
        "str(value)",
        (HOST2 + "test_text_a_workbook_cannot_hold_is_replaced_visibly_in_the_xlsx_export",),
        "a control character in a caseworker id crashes the xlsx export",
    ),
    Mutation(
        "stale_sweep_removes_live",
        "runner/owned.py",
        "if _lock(descriptor, blocking=False) and _same(folder, descriptor):",
        "if True:",
        (OUT + "test_a_folder_a_live_report_or_export_is_writing_is_never_removed",),
        "an export's sweep of stale folders deletes a live export's folder",
    ),
    Mutation(
        "journal_read_back_unmasked",
        "runner/record.py",
        "record = mask_cpr(record)",
        'record = {**record, "message": mask_cpr(record.get("message"))}',
        (HOST2 + "test_every_text_read_back_from_the_journal_is_masked_in_audit",),
        "a CPR number in a journal line's other fields reaches audit",
    ),
    Mutation(
        "journal_mode_by_umask",
        "runner/publish.py",
        "os.fchmod(descriptor, mode)",
        "None",
        (HOST2 + "test_the_journal_keeps_the_warehouses_permissions_whatever_the_umask",),
        "with umask 000 the journal is world-writable",
    ),
    Mutation(
        "extract_symlink_followed",
        "runner/extracts.py",
        "        _regular_file(path)\n",
        "        if not path.is_file():\n            continue\n",
        (
            EDGE + "test_a_symlinked_extract_is_an_input_error_that_shows_nothing_of_its_target",
            EDGE + "test_a_fifo_or_a_folder_named_like_an_extract_is_an_input_error_naming_it",
        ),
        "a symlinked extract is followed; a FIFO or a folder is skipped without a word",
    ),
    Mutation(
        "log_line_forged",
        "runner/logs.py",
        "record.message = one_line(record.message)",
        "pass",
        (HOST2 + "test_a_newline_in_a_path_cannot_forge_a_log_line",),
        "a newline in a path forges a log line",
    ),
    # -- the third wave, part A (issue 18): one per rule --
    Mutation(
        "dst_code_without_dot",
        "macros/maalgrupper.sql",
        "starts_with({{ noegle }}, {{ kode }} || '.')",
        "starts_with({{ noegle }}, {{ kode }})",
        (IND + "test_each_target_group_by_its_dst_code_and_its_texts",),
        "a DST code falls under any code it starts with (1.10 under 1.1), not only one and a dot",
    ),
    Mutation(
        "maalgruppe_not_normalised",
        "macros/maalgrupper.sql",
        "replace(lower({{ column }}), 'æ', 'ae')",
        "replace({{ column }}, 'æ', 'ae')",
        (IND + "test_each_target_group_by_its_dst_code_and_its_texts",),
        "target group texts are compared without lower-casing them",
    ),
    Mutation(
        "unknown_maalgruppe_is_uoplyst",
        "models/intermediate/int_maalgrupper.sql",
        "efter_tekst.maalgruppe, 'andet')",
        "efter_tekst.maalgruppe, 'uoplyst')",
        (IND + "test_each_target_group_by_its_dst_code_and_its_texts",),
        "a value the seed does not know counts as uoplyst, not andet",
    ),
    Mutation(
        "team_untrimmed",
        "models/marts/ind_08_sager_pr_sagsbehandler.sql",
        "coalesce(nullif(trim(sagsbehandlere.team), ''), 'ukendt')",
        "coalesce(sagsbehandlere.team, 'Voksen')",
        (IND + "test_08_by_team_is_the_mean_over_the_teams_caseworkers",),
        "a caseworker without a team is put in a default team, not ukendt",
    ),
    Mutation(
        "team_sum_not_mean",
        "models/marts/ind_08_sager_pr_sagsbehandler.sql",
        "{{ kvotient('personer::double', 'sagsbehandlere::double') }}",
        "personer::double",
        (IND + "test_08_by_team_is_the_mean_over_the_teams_caseworkers",),
        "08's team row shows the team's persons, not the mean over its caseworkers",
    ),
    Mutation(
        "paragraf_caseload_value_reversed",
        "models/intermediate/int_bevilling_grupper.sql",
        "paragraf || ':' || sagsbehandler_id as vaerdi",
        "sagsbehandler_id || ':' || paragraf as vaerdi",
        (IND + "test_08_and_10_by_paragraph_and_caseworker",),
        "08's caseload by paragraph is written S12:107, not 107:S12 as the contract's value",
    ),
    Mutation(
        "ind_10_by_paragraph_counts_zero_cost",
        "models/marts/ind_10_udgifter_pr_sagsbehandler.sql",
        "    where opdeling = 'total' or personer > 0",
        "    where opdeling = 'total' or personer >= 0",
        (IND + "test_08_and_10_by_paragraph_and_caseworker",),
        "10 by caseworker (and paragraph) has rows for services that cost nothing",
    ),
    Mutation(
        "ind_15_112_and_114_together",
        "models/marts/ind_15_udgift_merudgift.sql",
        "     and engang.paragraf = skelet.opdeling_vaerdi",
        "",
        (IND + "test_15_counts_a_person_once_in_each_part_and_in_the_total",),
        "15's 112 and 114 rows each hold both paragraphs' one-off grants",
    ),
    Mutation(
        "ejerkommune_ignored",
        "models/intermediate/int_bevillinger.sql",
        "when leverandoerer.ejerkommune is not null then 'ekstern'",
        "when false then 'ekstern'",
        (IND + "test_07_egen_is_relative_to_the_municipality_that_pays",),
        "a provider owned by another municipality is egen when its type is egen",
    ),
    Mutation(
        "ejerkommune_invalid_kept",
        "models/staging/parsed_leverandoerer.sql",
        "then 'kommune_invalid'",
        "then null",
        (STG + "test_a_providers_ejerkommune_is_a_municipality_code_or_quarantined",),
        "a provider whose ejerkommune is no municipality code is staged, not quarantined",
    ),
    Mutation(
        "os2bos_letter_dropped",
        "macros/parsing.sql",
        "lower({{ groups }}.b || {{ groups }}.d)",
        "lower({{ groups }}.b)",
        (STG + "test_os2bos_paragraph_keys_read_as_the_contract_says",),
        "SEL-82-a.1 is read as 82, not 82a",
    ),
    Mutation(
        "maalgruppe_sums_to_nothing",
        "models/marts/_marts.yml",
        "maalgruppe: {sums_to: total}"
        "\n          # a per-capita row is its total times 1000 over a public "
        "population: hidden with it\n          pr_1000_18_64: {sums_to: nothing, "
        "times: 1000, of: total, counts: {taeller: scaled, naevner: population}}"
        '\n    columns:\n      - {name: taeller, description: "HM(botilbud, s)."}',
        "maalgruppe: {sums_to: nothing}"
        "\n          # a per-capita row is its total times 1000 over a public "
        "population: hidden with it\n          pr_1000_18_64: {sums_to: nothing, "
        "times: 1000, of: total, counts: {taeller: scaled, naevner: population}}"
        '\n    columns:\n      - {name: taeller, description: "HM(botilbud, s)."}',
        (DIS + "test_target_groups_of_one_group_per_person_do_not_give_back_a_small_one",),
        "02's target groups add up to nothing: 12 - 9 gives a hidden 3 back",
    ),
]


def copy_project(destination: Path) -> Path:
    shutil.copytree(ROOT, destination, ignore=IGNORED)
    return destination


def apply(mutation: Mutation, project: Path) -> None:
    """Edit the copy; ValueError when the text is not in the file exactly once."""
    path = project / mutation.file
    text = path.read_text(encoding="utf-8")
    found = text.count(mutation.old)
    if found != 1:
        raise ValueError(f"{mutation.file}: the text to replace occurs {found} times, not once")
    path.write_text(text.replace(mutation.old, mutation.new), encoding="utf-8")


def run_tests(project: Path, tests: tuple[str, ...]) -> tuple[int, float, str]:
    """pytest -x on `tests` in the copy, with this interpreter: the exit code, the seconds, and the
    first failure (or pytest's last line)."""
    env = dict(os.environ, PYTHONPATH=str(project), PYTHONDONTWRITEBYTECODE="1")
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider", *tests],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
    )
    lines = [line for line in done.stdout.splitlines() if line.strip()]
    failed = [line for line in lines if line.startswith(("FAILED", "ERROR"))]
    last = (failed or lines or [done.stderr[-200:]])[-1 if not failed else 0]
    return done.returncode, time.monotonic() - started, last[:200]


def check(mutation: Mutation, workdir: Path) -> tuple[str, float, str]:
    """('killed' | 'survived' | 'not applied' | 'error', seconds, detail) of one mutation."""
    project = copy_project(workdir / mutation.name)
    try:
        apply(mutation, project)
    except ValueError as exc:
        return "not applied", 0.0, str(exc)
    try:
        code, seconds, last = run_tests(project, mutation.tests)
    finally:
        shutil.rmtree(project, ignore_errors=True)
    # pytest: 0 all passed, 1 some test failed; anything else is not a verdict
    status = {0: "survived", 1: "killed"}.get(code, "error")
    return status, seconds, last if status != "error" else f"pytest exited {code}: {last}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="run only these mutations (default: all)")
    parser.add_argument("--list", action="store_true", help="list the mutations and exit")
    parser.add_argument(
        "--no-baseline", action="store_true", help="skip running the tests on the unmutated copy"
    )
    args = parser.parse_args(argv)
    by_name = {m.name: m for m in MUTATIONS}
    unknown = [n for n in args.names if n not in by_name]
    if unknown:
        parser.error(f"no such mutation: {', '.join(unknown)} (see --list)")
    chosen = [by_name[n] for n in args.names] if args.names else MUTATIONS
    if args.list:
        for m in chosen:
            path = ROOT / m.file
            found = path.read_text(encoding="utf-8").count(m.old) if path.exists() else 0
            state = "applies" if found == 1 else f"STALE ({found} matches)"
            print(f"{m.name:32} {state:8} {m.file:52} {m.why}")
        return 0

    with tempfile.TemporaryDirectory(prefix="lis-mutations-") as tmp:
        workdir = Path(tmp)
        if not args.no_baseline:
            tests = tuple(dict.fromkeys(t for m in chosen for t in m.tests))
            project = copy_project(workdir / "baseline")
            code, seconds, last = run_tests(project, tests)
            shutil.rmtree(project, ignore_errors=True)
            print(f"baseline: {len(tests)} tests on the unmutated copy, {seconds:.0f} s: {last}")
            if code != 0:
                print("the baseline fails: fix the tests before judging mutations")
                return 1
        results = []
        for m in chosen:
            status, seconds, detail = check(m, workdir)
            results.append((m, status, seconds, detail))
            print(f"{status:11} {m.name} ({seconds:.0f} s): {detail}", flush=True)

    print()
    print("| mutation | file | status | killed by |")
    print("|---|---|---|---|")
    for m, status, _, _ in results:
        tests = ", ".join(t.split("::")[-1] for t in m.tests)
        print(f"| `{m.name}`: {m.why} | `{m.file}` | {status} | `{tests}` |")
    killed = sum(status == "killed" for _, status, _, _ in results)
    print(f"\n{killed} of {len(results)} mutations killed")
    return 0 if killed == len(results) else 1


if __name__ == "__main__":
    sys.exit(main())
