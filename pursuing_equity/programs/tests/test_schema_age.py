"""``[measures] age_standard`` and ``age_bands``: the standard population and the age bands of
age-adjusted rates, refused with messages naming the key path (and the band)."""

import pytest

from pursuing_equity.programs.schema import validate
from pursuing_equity.programs.tests.test_schema_measures import only, with_


def test_the_real_file_uses_the_2000_us_standard_and_five_bands():
    from pursuing_equity.programs.tests.test_schema import GOOD

    assert GOOD["measures"]["age_standard"] == "us2000"
    assert GOOD["measures"]["age_bands"] == ["0-14", "15-44", "45-64", "65-74", "75+"]


@pytest.mark.parametrize("standard", ["us2000", "team_total"])
def test_both_standards_are_accepted(standard):
    assert validate(with_(lambda d: d["measures"].update(age_standard=standard))) == []


def test_the_keys_may_be_left_out():
    def edit(d):
        d["measures"].pop("age_standard")
        d["measures"].pop("age_bands")

    assert validate(with_(edit)) == []


@pytest.mark.parametrize(
    "key,value,path,message",
    [
        ("age_standard", "who2000", "measures.age_standard", "must be one of"),
        ("age_bands", "0-14", "measures.age_bands", "array"),
        ("age_bands", [], "measures.age_bands", "at least 1"),
        ("age_bands", ["45-64", "45-64"], "measures.age_bands.1", "appears more than once"),
        ("age_bands", ["45-64", "18-44"], "measures.age_bands.1", "'18-44' does not fall on"),
        ("age_bands", ["45-64", "old"], "measures.age_bands.1", "cannot read age group 'old'"),
        ("age_bands", ["45-64", "60+"], "measures.age_bands.1", "overlaps age group '45-64'"),
    ],
)
def test_bad_age_settings_are_named_by_key_path(key, value, path, message):
    error = only(validate(with_(lambda d: d["measures"].update({key: value}))))
    assert error.path == path
    assert message in error.message
