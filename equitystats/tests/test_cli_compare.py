"""``equitystats compare``: the CSV contract, golden output and one-line errors."""

from __future__ import annotations

from equitystats.cli import main

GOLDEN = """\
group,numerator,denominator,rate,rate_low,rate_high,difference,difference_low,difference_high,ratio,ratio_low,ratio_high
White,48,80,0.6,0.49045465005160394,0.7003817240412907,,,,,,
AIAN,1,1,1,0.20654931437723745,1,0.4,-0.3997752690829679,0.5095453499483961,1.6666666666666667,0.34300433402496056,2.0389244956588417
MENA,2,2,1,0.34238022750665303,1,0.4,-0.2652369921281462,0.5095453499483961,1.6666666666666667,0.5665429046504431,2.0389244956588417
Asian,0,3,0,0,0.5614970317550455,-0.6,-0.7003817240412907,-0.027916876350085662,0,0,0.951826862777026
Unreported,0,0,,,,,,,,,
"""


def write(tmp_path, text, name="a1c.csv"):
    path = tmp_path / name
    path.write_text(text)
    return path


def run(capsys, *argv):
    code = main(["compare", *map(str, argv)])
    out, err = capsys.readouterr()
    return code, out, err


COUNTS = "race,controlled,patients\nWhite,48,80\nAIAN,1,1\nMENA,2,2\nAsian,0,3\nUnreported,0,0\n"
ARGS = ("--group", "race", "--numerator", "controlled", "--denominator", "patients")


def test_writes_the_documented_columns_golden(tmp_path, capsys):
    code, out, err = run(capsys, write(tmp_path, COUNTS), *ARGS, "--reference", "White")
    assert (code, err) == (0, "")
    assert out == GOLDEN


def test_newcombe_published_example_through_the_command(tmp_path, capsys):
    path = write(tmp_path, "arm,events,n\nA,56,70\nB,48,80\n")
    code, out, _ = run(
        capsys, path, "--group", "arm", "--numerator", "events", "--denominator", "n",
        "--reference", "B",
    )  # fmt: skip
    row = out.splitlines()[1].split(",")
    assert code == 0 and row[0] == "A"
    assert (round(float(row[7]), 4), round(float(row[8]), 4)) == (0.0524, 0.3339)


def test_conf_level_narrows_the_intervals(tmp_path, capsys):
    path = write(tmp_path, COUNTS)
    widths = []
    for level in ("0.95", "0.8"):
        _, out, _ = run(capsys, path, *ARGS, "--reference", "White", "--conf", level)
        row = out.splitlines()[2].split(",")
        widths.append(float(row[8]) - float(row[7]))
    assert widths[1] < widths[0]


def test_rate_kind_allows_more_events_than_person_time(tmp_path, capsys):
    path = write(tmp_path, "unit,falls,days\nA,30,10\nB,4,8\n")
    code, out, err = run(
        capsys, path, "--group", "unit", "--numerator", "falls", "--denominator", "days",
        "--reference", "B", "--kind", "rate",
    )  # fmt: skip
    assert (code, err) == (0, "")
    row = out.splitlines()[1].split(",")
    assert row[:4] == ["A", "30", "10", "3"] and row[9] == "6"


def test_infinite_upper_limit_is_written_inf(tmp_path, capsys, monkeypatch):
    from equitystats import compare

    real = compare.limits

    def no_lower_limit(x, n, **kw):
        rate, low, high = real(x, n, **kw)
        return rate, low * 0, high

    monkeypatch.setattr(compare, "limits", no_lower_limit)
    code, out, _ = run(capsys, write(tmp_path, COUNTS), *ARGS, "--reference", "White")
    assert code == 0 and out.splitlines()[2].endswith(",inf")


def test_errors_name_file_row_and_column(tmp_path, capsys):
    path = write(tmp_path, "race,controlled,patients\nWhite,48,80\nAIAN,3,2\n")
    code, out, err = run(capsys, path, *ARGS, "--reference", "White")
    assert code == 2 and out == ""
    assert err.strip() == (
        f'equitystats compare: {path}, row 2, column "controlled": '
        "numerator 3 is above its denominator 2"
    )
    code, _, err = run(capsys, write(tmp_path, COUNTS), *ARGS, "--reference", "Black")
    assert code == 2 and "reference group 'Black' is not in the data" in err
    assert 'column "race"' in err
    path = write(tmp_path, "race,controlled,patients\nWhite,48,x\n", name="bad.csv")
    code, _, err = run(capsys, path, *ARGS, "--reference", "White")
    assert code == 2 and "row 1" in err and "'x' is not a number" in err
