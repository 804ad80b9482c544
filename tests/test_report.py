"""The report draws from a run's tables alone: the org chart travels as the `org` table."""

from __future__ import annotations

import numpy as np
from matplotlib.collections import LineCollection, PathCollection, PolyCollection
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
    chart = tables["org"].query("replicate == 0 and scenario == @config.sim.name").set_index("seat")
    teams = chart[~chart["is_manager"]]["manager_seat"].nunique()
    links = [c for c in ax.collections if isinstance(c, LineCollection)]
    # one line per manager below the top, and one from each manager to its team's block
    assert len(links) == 1 and len(links[0].get_segments()) == int(chart["is_manager"].sum()) - 1 + teams
    blocks = [c for c in ax.collections if isinstance(c, PolyCollection) and not isinstance(c, LineCollection)]
    assert len(blocks) == 1 and len(blocks[0].get_paths()) == teams  # teams drawn as groups
    people = sum(len(c.get_offsets()) for c in ax.collections if isinstance(c, PathCollection))
    assert people == config.org.headcount  # every seat drawn once, held or vacant
    levels = sorted(chart["level"].unique())
    ticks = sorted(zip(ax.get_yticks(), (t.get_text() for t in ax.get_yticklabels())))
    assert [text for _, text in ticks] == [f"level {v}" for v in reversed(levels)]  # the top level on top
    legend = [t.get_text() for t in fig.legends[0].get_texts()]
    assert any("manager" in t for t in legend) and any("vacant" in t for t in legend) and any("team" in t for t in legend)
    assert "outlined" not in ax.get_title() and f"{config.org.headcount} seats" in ax.get_title()


def test_write_figures_needs_no_config_seed(run, tmp_path):
    config, _, _, tables = run
    assert write_figures(tmp_path, tables, config) == ["kpis.png", "staffing.png", "teams.png", "network.png"]
    assert (tmp_path / "figures" / "network.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    for name in ("kpis", "staffing", "teams", "network"):  # SVG beside each PNG, for slides
        assert (tmp_path / "figures" / f"{name}.svg").read_text().lstrip().startswith("<?xml")


def test_org_chart_names_a_missing_scenario(run):
    _, _, _, tables = run
    with pytest.raises(ValueError, match="no complete org chart"):
        org_chart(tables["org"], "no such scenario")


def test_report_explains_what_changed_and_why(tmp_path):
    """A run against a baseline: the config diff in words, the mechanism named from the model's tables,
    the baseline against the published facts, and a self-contained HTML beside the markdown."""
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    out = tmp_path / "explained"
    done = subprocess.run([sys.executable, "-m", "exsim.cli", "run", "configs/manager-training.toml", "--baseline",
                           "configs/baseline.toml", "--years", "1", "--replicates", "3", "--set", "org.headcount=120",
                           "--set", "sim.burn_in_weeks=30", "--no-figures", "--out", str(out)],
                          capture_output=True, text=True, cwd=root, check=False)
    assert done.returncode == 0, done.stderr
    report = (out / "report.md").read_text()
    assert "## What changed against baseline" in report
    assert "Share of managers in the training programme (share of managers): 0% in baseline, 100% here " \
           "(`training.share`)" in report
    assert "(`managers.hours_for_people`)" in report
    mechanism = next(line for line in report.splitlines() if line.startswith("**Mechanism.**"))
    assert "manager support" in mechanism and "rises" in mechanism
    assert "## The baseline against published facts" in report and "F1 Annual voluntary turnover" in report
    assert "`costs.sick_day_eur` | F11" in report  # every cost line with its source
    assert "1 years" not in report and "## Caveats" in report
    page = (out / "report.html").read_text()
    assert page.startswith("<!DOCTYPE html>") and "What changed against baseline" in page and "<table>" in page
