"""Shared helpers: small, fast organisations for tests."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from exsim import OrgModel, load_config
from exsim.results import yearly_kpis

SMALL = ["org.headcount=200", "sim.burn_in_weeks=52"]


def run_small(overrides=(), seed=1, weeks=156, burn_in=None) -> OrgModel:
    """A 200-seat organisation stepped `weeks` recorded weeks."""
    config = load_config(None, SMALL + list(overrides))
    model = OrgModel(config, rng=seed, burn_in_weeks=burn_in)
    model.run(weeks)
    return model


def mean_kpis(overrides=(), seeds=range(4), weeks=156, headcount=300) -> pd.Series:
    """Mean yearly KPIs over paired seeds (common random numbers across levers)."""
    frames = []
    for seed in seeds:
        config = load_config(None, [f"org.headcount={headcount}", "sim.burn_in_weeks=104", *overrides])
        model = OrgModel(config, rng=seed)
        model.run(weeks)
        ts = model.tables()["timeseries"].assign(scenario="x", replicate=seed)
        kpis = yearly_kpis(ts).mean(numeric_only=True)
        for column in ("trust_org", "trust_manager", "quit_hazard", "applicants_per_vacancy"):
            kpis[column] = ts[column].mean()
        spells = model.tables()["spells"]
        hired = spells[spells["hire_week"] >= 1]  # people hired during the recorded weeks
        early = (hired["exit_reason"] == "voluntary") & (hired["tenure_weeks"] < 26)
        kpis["early_quit_share"] = float(early.mean()) if len(hired) else float("nan")  # quit in their first 6 months
        occupied = model.staff.occupied
        kpis["manager_support"] = float(np.mean(model.staff.support[occupied]))
        kpis["perk_effect"] = float(np.mean(model.staff.perk_effect[occupied]))
        frames.append(kpis)
    return pd.concat(frames, axis=1).mean(axis=1)


@pytest.fixture(scope="session")
def small_model() -> OrgModel:
    return run_small()
