"""The report draws from a run's tables alone: the org chart travels as the `org` table."""

from __future__ import annotations

import numpy as np
from matplotlib.collections import LineCollection
import pandas as pd
import pytest

from exsim import load_config
from exsim.model.streams import Streams
from exsim.org import organisation
from exsim.report.figures import network_figure, org_chart, write_figures
from exsim.results import combine, write_run
from exsim.results.writer import TABLES
from exsim.runs import replicate_seeds, simulate

CONFIG = ["org.headcount=90", "sim.years=1", "sim.burn_in_weeks=8", "sim.replicates=2", "sim.seed=11"]


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    """A small two-replicate run written to a folder, and its tables read back from the Parquet files."""
    config = load_config(None, CONFIG)
    seeds = replicate_seeds(config.sim.seed, config.sim.replicates)
    tables = combine([simulate(config, seed, i) for i, seed in enumerate(seeds)])
    folder = write_run(tmp_path_factory.mktemp("runs") / "small", tables, {"scenario": config.sim.name})
    read = {name: pd.read_parquet(folder / f"{name}.parquet") for name in TABLES}
    return config, seeds, folder, read


def test_org_table_has_one_row_per_seat_and_one_top(run):
    config, seeds, _, tables = run
    org = tables["org"]
    assert {"scenario", "replicate", "seed", "seat", "manager_seat", "team_id", "level", "is_manager",
            "frontline"} <= set(org.columns)
    assert sorted(org["replicate"].unique()) == [0, 1]
    assert sorted(org["seed"].unique()) == sorted(seeds)
    for _, chart in org.groupby("replicate"):
        chart = chart.set_index("seat").sort_index()
        assert chart.index.tolist() == list(range(config.org.headcount))
        top = chart[chart["manager_seat"] == -1]
        assert len(top) == 1 and top["level"].iloc[0] == 0 and top["team_id"].iloc[0] == -1
        rest = chart[chart["manager_seat"] != -1]
        bosses = chart.loc[rest["manager_seat"]]
        assert bosses["is_manager"].all()
        np.testing.assert_array_equal(rest["level"].to_numpy(), bosses["level"].to_numpy() + 1)
        np.testing.assert_array_equal(rest["team_id"].to_numpy(), rest["manager_seat"].to_numpy())
        assert not (chart["frontline"] & chart["is_manager"]).any()


def test_org_table_is_the_org_the_replicate_ran_on(run):
    config, seeds, _, tables = run
    for replicate, seed in enumerate(seeds):
        built = organisation(config, Streams(seed)["org"])
        chart = org_chart(tables["org"], config.sim.name, replicate)
        np.testing.assert_array_equal(chart["manager_seat"].to_numpy(), built.manager_of)
        np.testing.assert_array_equal(chart["team_id"].to_numpy(), built.team_of)
        np.testing.assert_array_equal(chart["level"].to_numpy(), built.level)
        np.testing.assert_array_equal(chart["is_manager"].to_numpy(), built.is_manager)
        np.testing.assert_array_equal(chart["frontline"].to_numpy(), built.frontline)


def test_network_figure_from_tables_alone(run):
    config, _, _, tables = run
    fig = network_figure(tables["spells"], tables["org"], config.sim.name)
    ax = fig.axes[0]
    links = [c for c in ax.collections if isinstance(c, LineCollection)]
    assert len(links) == 1 and len(links[0].get_segments()) == config.org.headcount - 1  # a line per seat below the top
    chart = tables["org"].query("replicate == 0 and scenario == @config.sim.name").set_index("seat")
    start, end = links[0].get_segments()[0]  # seat 1's line ends at its manager
    assert chart.loc[1, "level"] > chart.loc[chart.loc[1, "manager_seat"], "level"] and start[1] < end[1]
    people = sum(len(c.get_offsets()) for c in ax.collections if not isinstance(c, LineCollection))
    assert people == config.org.headcount  # every seat drawn, held or vacant
    levels = sorted(tables["org"].query("replicate == 0")["level"].unique())
    assert [t.get_text() for t in ax.get_yticklabels()] == [f"level {v}" for v in reversed(levels)]


def test_write_figures_needs_no_config_seed(run, tmp_path):
    config, _, _, tables = run
    assert write_figures(tmp_path, tables, config) == ["kpis.png", "staffing.png", "teams.png", "network.png"]
    assert (tmp_path / "figures" / "network.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_org_chart_names_a_missing_scenario(run):
    _, _, _, tables = run
    with pytest.raises(ValueError, match="no complete org chart"):
        org_chart(tables["org"], "no such scenario")
