"""Aggregate series: periods of any length, annual voluntary attrition, absence rate, precise errors."""

import pandas as pd
import pytest

from exsim.data import DataError, read_aggregate_series

MONTHLY = "Month,Headcount,Voluntary leavers,Absence rate\n" + "".join(
    f"2023-{m:02d},{100 + (m % 2) * 20},{2 if m <= 6 else 1},{'4.5%' if m == 1 else 0.04}\n" for m in range(1, 13))


def write(tmp_path, text, name="series.csv"):
    path = tmp_path / name
    path.write_text(text)
    return path


def test_monthly_series_gives_annual_attrition_and_absence(tmp_path):
    series = read_aggregate_series(write(tmp_path, MONTHLY))
    assert series.periods_per_year == 12 and len(series.frame) == 12
    assert series.columns == {"period": "Month", "headcount": "Headcount", "voluntary_leavers": "Voluntary leavers",
                              "absence_rate": "Absence rate"}
    assert series.annual_voluntary_attrition() == pytest.approx(18 / 110)  # 18 leavers, mean headcount 110
    assert series.annual_voluntary_attrition(last_periods=6) == pytest.approx(6 * 2 / 110)
    weights = [100 + (m % 2) * 20 for m in range(1, 13)]
    rates = [0.045] + [0.04] * 11
    assert series.mean_absence_rate() == pytest.approx(sum(w * r for w, r in zip(weights, rates)) / sum(weights))


@pytest.mark.parametrize("periods, per_year", [
    (["2021", "2022", "2023"], 1), (["2023Q1", "2023Q2", "2023Q3"], 4),
    (["2023-01-31", "2023-02-28", "2023-03-31"], 12), (["2023-01-02", "2023-01-09", "2023-01-16"], 52),
])
def test_period_length_from_labels_or_spacing(tmp_path, periods, per_year):
    text = "period,headcount,voluntary_leavers\n" + "".join(f"{p},50,1\n" for p in reversed(periods))
    series = read_aggregate_series(write(tmp_path, text))
    assert series.periods_per_year == per_year
    assert series.frame["period"].is_monotonic_increasing
    assert series.annual_voluntary_attrition() == pytest.approx(per_year / 50)


def test_mapping_and_counted_skip(tmp_path):
    text = "quarter;fte;quits\n2023Q1;40;2\n2023Q2;;1\n2023Q3;40;2\n"
    series = read_aggregate_series(write(tmp_path, text), mapping={"headcount": "fte", "voluntary_leavers": "quits"})
    assert series.skipped == [(3, "no headcount or no voluntary leavers count")]
    assert series.annual_voluntary_attrition() == pytest.approx(4 * 4 / 2 / 40)
    assert "1 skipped" in series.summary() and "row 3" in series.summary()


@pytest.mark.parametrize("text, row, column, fragment", [
    ("period,headcount,voluntary_leavers\n2023-01,10,1\nJanuary-ish,10,1\n", 3, "period", "not a period"),
    ("period,headcount,voluntary_leavers\n2023-01,10,1\n2023Q2,10,1\n", 3, "period", "another length"),
    ("period,headcount,voluntary_leavers\n2023-01,10,1\n2023-01,10,1\n", 3, "period", "period given twice"),
    ("period,headcount,voluntary_leavers\n2023-01,10,-1\n", 2, "voluntary_leavers", "below 0"),
    ("period,headcount,voluntary_leavers\n2023-01,ten,1\n", 2, "headcount", "not a number"),
    ("period,headcount,voluntary_leavers,absence_rate\n2023-01,10,1,4.5\n", 2, "absence_rate", "above 1"),
])
def test_bad_values(tmp_path, text, row, column, fragment):
    with pytest.raises(DataError) as info:
        read_aggregate_series(write(tmp_path, text))
    assert (info.value.row, info.value.column) == (row, column) and fragment in str(info.value)


def test_missing_column_and_unknown_mapping(tmp_path):
    path = write(tmp_path, "period,headcount\n2023,10\n")
    with pytest.raises(DataError, match="no column for voluntary_leavers"):
        read_aggregate_series(path)
    with pytest.raises(DataError, match="unknown field 'leavers'.*did you mean 'voluntary_leavers'"):
        read_aggregate_series(path, mapping={"leavers": "x"})


def test_parquet_series(tmp_path):
    path = tmp_path / "series.parquet"
    pd.DataFrame({"month": pd.to_datetime(["2023-01-01", "2023-02-01"]), "headcount": [20, 20],
                  "voluntary_leavers": [1, 0]}).to_parquet(path)
    series = read_aggregate_series(path)
    assert series.periods_per_year == 12 and series.annual_voluntary_attrition() == pytest.approx(12 * 1 / 2 / 20)
