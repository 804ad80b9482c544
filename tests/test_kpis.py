"""One KPI catalogue: the tables, the yearly aggregation and the README all follow it."""

from pathlib import Path

import numpy as np

from exsim import OrgModel, load_config
from exsim.metrics.kpis import BY_NAME, DEPARTMENT_KPIS, KPIS, TEAM_KPIS, TIMESERIES, YEARLY, kpi_table_markdown
from exsim.results import yearly_kpis

ROOT = Path(__file__).resolve().parents[1]


def _tables():
    model = OrgModel(load_config(None, ["org.headcount=150"]), rng=5, burn_in_weeks=10)
    model.run(60)  # one full team-year
    return model.tables()


def test_the_tables_have_exactly_the_catalogues_columns_in_its_order():
    tables = _tables()
    assert list(tables["timeseries"].columns) == ["week", "year", *TIMESERIES]
    assert list(tables["teams"].columns) == ["year", "team_id", "department", "manager_id", "span", *TEAM_KPIS]
    assert list(tables["departments"].columns) == ["week", "year", "department", *DEPARTMENT_KPIS]


def test_every_yearly_kpi_is_aggregated_as_the_catalogue_says():
    ts = _tables()["timeseries"].assign(scenario="s", replicate=0)
    yearly = yearly_kpis(ts)
    assert set(YEARLY) <= set(yearly.columns)
    first = ts[ts["year"] == 1]
    row = yearly[yearly["year"] == 1].iloc[0]
    for kpi in KPIS:
        if kpi.yearly == "mean":
            assert np.isclose(row[kpi.name], first[kpi.name].mean()), kpi.name
        elif kpi.yearly == "sum":
            assert np.isclose(row[kpi.name], first[kpi.name].sum()), kpi.name
        elif kpi.rate_of:
            numerator, denominator = kpi.rate_of
            assert np.isclose(row[kpi.name], first[numerator].sum() / first[denominator].mean()), kpi.name


def test_the_readme_shows_the_catalogue():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert kpi_table_markdown() in readme
    assert all(f"`{name}`" in readme for name in BY_NAME)


def test_team_membership_sums_columns_exactly_as_team_sum_does():
    """The recorder sums seven columns per team in one sparse product: the same floats as one bincount each."""
    from exsim.metrics.measures import team_membership, team_sum

    rng = np.random.default_rng(4)
    team_of = np.where(rng.random(5_000) < 0.05, -1, rng.integers(0, 300, 5_000))  # some seats in no team
    columns = np.column_stack([rng.random(5_000) * 10.0 ** rng.integers(-3, 4, 5_000) for _ in range(7)])
    per_team = team_membership(team_of, 301) @ columns  # team 300 has no seats
    for k in range(7):
        np.testing.assert_array_equal(per_team[:, k], team_sum(team_of, columns[:, k], 301))
    assert per_team[300].sum() == 0
