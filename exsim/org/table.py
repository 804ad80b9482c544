"""The org chart as a table, so reports and analyses read a run's organisation from its results alone."""

from __future__ import annotations

import numpy as np
import pandas as pd

from exsim.org.structure import OrgStructure

ORG_COLUMNS = ("seat", "manager_seat", "team_id", "department", "level", "is_manager", "frontline")


def org_table(org: OrgStructure) -> pd.DataFrame:
    """One row per seat: seat, manager_seat (-1 for the top), team_id (-1 for the top), department, level (0 at the
    top), is_manager (leads a team) and frontline (serves customer accounts)."""
    return pd.DataFrame({
        "seat": np.arange(org.n_seats, dtype=np.int64),
        "manager_seat": np.asarray(org.manager_of, dtype=np.int64),
        "team_id": np.asarray(org.team_of, dtype=np.int64),
        "department": org.department_label().astype(str),
        "level": np.asarray(org.level, dtype=np.int64),
        "is_manager": np.asarray(org.is_manager, dtype=bool),
        "frontline": np.asarray(org.frontline, dtype=bool),
    })
