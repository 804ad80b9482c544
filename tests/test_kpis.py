"""One KPI catalogue: the tables, the yearly aggregation and the README all follow it."""

from pathlib import Path

import numpy as np
import pytest

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
    """The recorder sums the year's seven per-seat columns per team in one sparse product: the same floats as one
    bincount each."""
    from exsim.metrics.measures import team_membership, team_sum

    rng = np.random.default_rng(4)
    team_of = np.where(rng.random(5_000) < 0.05, -1, rng.integers(0, 300, 5_000))  # some seats in no team
    columns = np.column_stack([rng.random(5_000) * 10.0 ** rng.integers(-3, 4, 5_000) for _ in range(7)])
    per_team = team_membership(team_of, 301) @ columns  # team 300 has no seats
    for k in range(7):
        np.testing.assert_array_equal(per_team[:, k], team_sum(team_of, columns[:, k], 301))
    assert per_team[300].sum() == 0


@pytest.mark.parametrize("noise_sd", [0.15, 0.05, 0.01, 0.001, 0.0001])
def test_enps_read_from_its_table_is_within_its_stated_error_of_the_normal_curve(noise_sd):
    """eNPS per person comes from a table over engagement 0..1: within ENPS_TABLE_ERROR points of the normal
    curve everywhere, at the ends too, for wide and very narrow answer noise (then the table is finer or unused)."""
    from exsim.config.schema import Engagement
    from exsim.metrics.measures import ENPS_TABLE_ERROR, enps, enps_per_person, exact_enps_per_person

    eng = Engagement(enps_noise_sd=noise_sd, promoter_threshold=0.8, detractor_threshold=0.35)
    engagement = np.concatenate([[0.0, 1.0], np.random.default_rng(2).random(400_000)])
    exact = exact_enps_per_person(engagement, 0.8, 0.35, noise_sd)
    tabulated = enps_per_person(engagement, eng)
    assert np.abs(tabulated - exact).max() <= ENPS_TABLE_ERROR
    assert enps(engagement, eng) == pytest.approx(exact.mean(), abs=ENPS_TABLE_ERROR)
    assert np.isnan(enps(engagement[:0], eng))


def test_team_years_add_up_to_the_organisations_weeks(small_model):
    """Each team-year row is the team's members summed over the year's weeks: over all teams, the customers and
    their satisfaction are the organisation's weekly figures averaged over the year, and the heads are too
    but for the top seat, which is in no team."""
    tables = small_model.tables()
    teams, ts = tables["teams"], tables["timeseries"]
    for year, weeks in ts.groupby("year"):
        rows = teams[teams["year"] == year]
        assert rows["customers"].sum() == pytest.approx(weeks["customers"].mean(), rel=1e-12)
        assert (rows["csat"] * rows["customers"]).sum() == pytest.approx((weeks["csat"] * weeks["customers"]).mean(),
                                                                        rel=1e-12)
        assert weeks["headcount"].mean() - 1 - 1e-9 <= rows["headcount"].sum() <= weeks["headcount"].mean() + 1e-9
