"""Demographic standards: SPD 15 (2024) race/ethnicity, CDC codes, SOGI, BCP 47 languages."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from equitystats import standards
from equitystats.errors import InputError


def codes(stratifier, values, **kw):
    return list(standards.normalize(stratifier, values, **kw).codes)


# ------------------------------------------------------------------ race and ethnicity


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("American Indian or Alaska Native", "aian"),
        ("Asian", "asian"),
        ("Black or African American", "black"),
        ("Hispanic or Latino", "hispanic"),
        ("Middle Eastern or North African", "mena"),
        ("Native Hawaiian or Pacific Islander", "nhpi"),
        ("White", "white"),
        ("Multiracial", "multiracial"),
        ("  white  ", "white"),
        ("WHITE", "white"),
        ("Non-Hispanic White", "white"),
        ("Black alone", "black"),
        ("Hispanic or Latino (of any race)", "hispanic"),
        ("Two or more races", "multiracial"),
    ],
)
def test_minimum_category_names_and_common_spellings_map_to_codes(raw, code):
    assert codes("race_ethnicity", [raw]) == [code]


@pytest.mark.parametrize(
    ("category", "detail"),
    [(c, d) for c, details in standards.DETAILED_CATEGORIES.items() for d in details],
)
def test_every_detailed_category_of_the_2024_figure_maps_to_its_minimum_category(category, detail):
    assert codes("race_ethnicity", [detail]) == [category]


def test_the_seven_minimum_categories_are_those_of_spd15_2024():
    assert set(standards.MINIMUM_CATEGORIES) == {
        "aian",
        "asian",
        "black",
        "hispanic",
        "mena",
        "nhpi",
        "white",
    }
    assert standards.DETAILED_CATEGORIES["mena"] == (
        "Lebanese",
        "Iranian",
        "Egyptian",
        "Syrian",
        "Iraqi",
        "Israeli",
    )


def test_more_than_one_minimum_category_selected_is_multiracial():
    assert codes("race_ethnicity", ["Asian;White", "Black|Black", "Chinese;Filipino"]) == [
        "multiracial",
        "black",
        "asian",
    ]


def test_hispanic_plus_a_race_is_multiracial_in_the_combined_question_unless_any_race():
    assert codes("race_ethnicity", ["Hispanic;White"]) == ["multiracial"]
    assert codes("race_ethnicity", ["Hispanic;White"], hispanic="any_race") == ["hispanic"]


def test_missing_selections_are_ignored_next_to_a_real_answer():
    assert codes("race_ethnicity", ["White;Declined", "Declined;Unknown"]) == [
        "white",
        "declined",
    ]


@pytest.mark.parametrize(
    ("code", "category"),
    [
        ("1002-5", "aian"),
        ("1735-0", "aian"),
        ("2028-9", "asian"),
        ("2034-7", "asian"),
        ("2054-5", "black"),
        ("2058-6", "black"),
        ("2076-8", "nhpi"),
        ("2079-2", "nhpi"),
        ("2500-7", "nhpi"),
        ("2106-3", "white"),
        ("2113-9", "white"),
        ("2118-8", "mena"),
        ("2123-8", "mena"),
        ("2129-5", "mena"),
        ("2131-1", "other"),
        ("2135-2", "hispanic"),
        ("2148-5", "hispanic"),
        ("2182-4", "hispanic"),
        ("2186-5", "not_hispanic"),
    ],
)
def test_cdc_codes_roll_up_by_the_code_hierarchy(code, category):
    assert standards.cdc_rollup(code) == category


def test_every_listed_cdc_code_has_a_valid_check_digit_and_a_category():
    for code in standards.CDC_CODES:
        assert standards.cdc_rollup(code) is not None, code


@pytest.mark.parametrize("code", ["2106-4", "2106", "9999-9", "abc"])
def test_malformed_or_foreign_cdc_codes_do_not_roll_up(code):
    assert standards.cdc_rollup(code) is None


def test_cdc_codes_are_accepted_in_a_race_column():
    assert codes("race_ethnicity", ["2054-5", "2106-3|2028-9", "2121-2"]) == [
        "black",
        "multiracial",
        "mena",
    ]


@pytest.mark.parametrize(
    ("ethnicity", "race", "any_race", "combine"),
    [
        ("Hispanic or Latino", "White", "hispanic", "multiracial"),
        ("2135-2", "2106-3", "hispanic", "multiracial"),
        ("Hispanic or Latino", "Declined", "hispanic", "hispanic"),
        ("Not Hispanic or Latino", "White", "white", "white"),
        ("2186-5", "Black or African American;White", "multiracial", "multiracial"),
        ("Not Hispanic or Latino", "Asian", "asian", "asian"),
        ("Not Hispanic or Latino", "Declined", "declined", "declined"),
        ("Not Hispanic or Latino", "Other Race", "other", "other"),
        ("Unknown", "White", "white", "white"),
        ("Y", "Other", "hispanic", "hispanic"),
        ("Mexican", "White", "hispanic", "multiracial"),
    ],
)
def test_1997_two_question_answers_map_to_the_2024_categories(ethnicity, race, any_race, combine):
    assert list(standards.from_1997([ethnicity], [race]).codes) == [any_race]
    assert list(standards.from_1997([ethnicity], [race], hispanic="combine").codes) == [combine]


def test_1997_mapping_can_keep_an_unknown_ethnicity_unknown():
    result = standards.from_1997(["Declined"], ["White"], unknown_ethnicity="unknown")
    assert list(result.codes) == ["declined"]


def test_1997_mapping_reports_the_first_unrecognised_cell():
    with pytest.raises(InputError) as err:
        standards.from_1997(["Hispanic", "Maybe"], ["White", "White"])
    assert (err.value.row, err.value.column) == (2, "ethnicity")
    with pytest.raises(InputError) as err:
        standards.from_1997(["Hispanic", "N"], ["White", "Martian"])
    assert (err.value.row, err.value.column) == (2, "race")


# ------------------------------------------------------------------ missing values


def test_the_four_kinds_of_missing_value_stay_distinct():
    raw = ["Unknown", "Declined", "Not collected", "", None, np.nan, "Patient refused", "UNK"]
    assert codes("race_ethnicity", raw) == [
        "unknown",
        "declined",
        "not_collected",
        "missing",
        "missing",
        "missing",
        "declined",
        "unknown",
    ]
    assert len({standards.UNKNOWN, standards.DECLINED, standards.NOT_COLLECTED}) == 3


@pytest.mark.parametrize("stratifier", standards.STRATIFIERS)
def test_missing_labels_are_recognised_in_every_stratifier(stratifier):
    assert codes(stratifier, ["Declined", "Not asked", "", "Unknown"]) == [
        "declined",
        "not_collected",
        "missing",
        "unknown",
    ]


# ------------------------------------------------------------------ SOGI


def test_sexual_orientation_answers_and_codes_follow_uscdi_v3():
    raw = [
        "Lesbian or gay",
        "Straight",
        "Bisexual",
        "Something else",
        "Don't know",
        "Choose not to disclose",
        "38628009",
        "20430005",
        "42035005",
        "OTH",
        "UNK",
        "ASKU",
    ]
    assert codes("sexual_orientation", raw) == [
        "lesbian_gay",
        "straight",
        "bisexual",
        "something_else",
        "unknown",
        "declined",
        "lesbian_gay",
        "straight",
        "bisexual",
        "something_else",
        "unknown",
        "declined",
    ]


def test_gender_identity_answers_and_codes_follow_uscdi_v3():
    raw = [
        "Male",
        "Woman",
        "Transgender man",
        "Transgender woman",
        "Non-binary / genderqueer",
        "Something else",
        "Declined",
        "446151000124109",
        "446141000124107",
        "407377005",
        "407376001",
        "446131000124102",
        "ASKU",
    ]
    assert codes("gender_identity", raw) == [
        "man",
        "woman",
        "transgender_man",
        "transgender_woman",
        "non_binary",
        "something_else",
        "declined",
        "man",
        "woman",
        "transgender_man",
        "transgender_woman",
        "non_binary",
        "declined",
    ]


def test_asku_means_declined_for_sogi_but_unknown_for_race():
    assert standards.missing_code("ASKU", "gender_identity") == "declined"
    assert standards.missing_code("ASKU", "race_ethnicity") == "unknown"


# ------------------------------------------------------------------ language


@pytest.mark.parametrize(
    ("raw", "tag"),
    [
        ("Spanish", "es"),
        ("English", "en"),
        ("Chinese (Mandarin)", "cmn"),
        ("Mandarin", "cmn"),
        ("Cantonese", "yue"),
        ("Vietnamese", "vi"),
        ("Haitian Creole", "ht"),
        ("American Sign Language", "ase"),
        ("EN-us", "en-US"),
        ("zh-hant-tw", "zh-Hant-TW"),
        ("es-419", "es-419"),
        ("spa", "es"),
        ("eng", "en"),
        ("zh-cmn-Hans-CN", "zh-cmn-Hans-CN"),
        ("und", "unknown"),
    ],
)
def test_language_names_and_tags_become_canonical_bcp47(raw, tag):
    assert codes("language", [raw]) == [tag]


def test_the_language_table_covers_about_thirty_common_us_languages_with_valid_tags():
    assert len(standards.LANGUAGES) >= 30
    for tag, name in standards.LANGUAGES.items():
        assert standards.is_well_formed_language_tag(tag), tag
        assert codes("language", [name]) == [tag]


# RFC 5646 Appendix A examples of well-formed tags, and ill-formed ones.
@pytest.mark.parametrize(
    "tag",
    [
        "de",
        "zh-Hant",
        "zh-cmn-Hans-CN",
        "sr-Latn-RS",
        "sl-rozaj-biske",
        "de-CH-1901",
        "hy-Latn-IT-arevela",
        "es-419",
        "de-CH-x-phonebk",
        "az-Arab-x-AZE-derbend",
        "x-whatever",
        "qaa-Qaaa-QM-x-southern",
        "en-US-u-islamcal",
        "zh-CN-a-myext-x-private",
        "en-a-myext-b-another",
        "i-klingon",
        "zh-min-nan",
    ],
)
def test_rfc5646_example_tags_are_well_formed(tag):
    assert standards.is_well_formed_language_tag(tag)


@pytest.mark.parametrize("tag", ["de-419-DE", "a-DE", "en--US", "en-", "123", "toolongtag", ""])
def test_malformed_tags_are_rejected(tag):
    assert not standards.is_well_formed_language_tag(tag)


def test_canonical_case_follows_rfc5646_section_2_1_1():
    assert standards.canonical_case("EN-LATN-us-X-ABC") == "en-Latn-US-x-abc"
    assert standards.canonical_case("sgn-be-fr") == "sgn-BE-FR"


def test_a_misspelled_language_name_is_not_taken_for_a_tag():
    result = standards.normalize("language", ["Spanish", "Spansh"], strict=False)
    assert list(result.codes) == ["es", "missing"]
    assert list(result.unrecognised_rows) == [2]
    assert result.unrecognised_values == ("Spansh",)


# ------------------------------------------------------------------ normalize()


def test_unrecognised_labels_raise_with_row_and_column():
    with pytest.raises(InputError) as err:
        standards.normalize("race_ethnicity", ["White", "Klingon", "Vulcan"], column="race")
    assert err.value.row == 2
    assert err.value.column == "race"
    assert "Klingon" in str(err.value) and "1 more row" in str(err.value)


def test_non_strict_normalisation_lists_every_unrecognised_row():
    result = standards.normalize("gender_identity", ["Man", "x1", "Woman", "x1"], strict=False)
    assert list(result.codes) == ["man", "missing", "woman", "missing"]
    assert list(result.unrecognised_rows) == [2, 4]
    assert result.unrecognised_values == ("x1", "x1")


def test_normalisation_is_vectorised_over_a_large_column():
    raw = np.array(["White", "Black", "Declined", "Asian;White"] * 50_000, dtype=object)
    result = standards.normalize("race_ethnicity", raw)
    assert len(result) == 200_000
    assert result.counts() == {
        "black": 50_000,
        "declined": 50_000,
        "multiracial": 50_000,
        "white": 50_000,
    }
    assert list(result.codes[:4]) == ["white", "black", "declined", "multiracial"]


def test_normalize_does_not_modify_its_input_and_returns_read_only_codes():
    raw = np.array(["White", "Black"], dtype=object)
    result = standards.normalize("race_ethnicity", raw)
    assert list(raw) == ["White", "Black"]
    with pytest.raises(ValueError):
        result.codes[0] = "asian"


def test_display_names_are_human_readable():
    result = standards.normalize("race_ethnicity", ["2123-8", "Declined"])
    assert list(result.display()) == ["Middle Eastern or North African", "Declined to answer"]
    assert standards.display_name("language", "cmn") == "Chinese (Mandarin)"


def test_unknown_stratifier_is_an_input_error():
    with pytest.raises(InputError):
        standards.normalize("religion", ["x"])


LABELS = {
    "race_ethnicity": [
        "White",
        "Black or African American",
        "Chinese",
        "2123-8",
        "Hispanic;Asian",
        "Declined",
        "",
        "Other",
        "Multiracial",
    ],
    "sexual_orientation": ["Straight", "Gay", "Bisexual", "ASKU", "Don't know", "queer"],
    "gender_identity": ["Female", "Trans man", "Non-binary", "OTH", "Refused"],
    "language": ["Spanish", "en-us", "Mandarin", "zh-Hant", "Not asked", "fil"],
}


@settings(max_examples=40, deadline=None)
@given(st.data())
def test_normalising_canonical_codes_again_changes_nothing(data):
    stratifier = data.draw(st.sampled_from(sorted(LABELS)))
    raw = data.draw(st.lists(st.sampled_from(LABELS[stratifier]), min_size=1, max_size=30))
    once = standards.normalize(stratifier, raw).codes
    twice = standards.normalize(stratifier, once).codes
    assert list(once) == list(twice)


def test_sogi_codes_can_be_sent_back_as_snomed_or_nullflavor():
    assert standards.uscdi_code("gender_identity", "non_binary") == "446131000124102"
    assert standards.uscdi_code("gender_identity", "man") == "446151000124109"
    assert standards.uscdi_code("sexual_orientation", "straight") == "20430005"
    assert standards.uscdi_code("sexual_orientation", "declined") == "ASKU"
    assert standards.uscdi_code("sexual_orientation", "not_collected") is None
