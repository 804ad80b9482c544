"""Retention from a run's spells: Kaplan-Meier with left truncation (entry) and censoring.

A run records weeks 1 to the end, but most people in post at week 1 were hired before it: their
spells are left-truncated (observed only from the tenure they had at week 1), and everyone still
employed at the end is censored. A Kaplan-Meier curve over `tenure_weeks` that ignores the entry
overstates retention (it counts long-serving people as if they had been followed since hire).

    import exsim

    result = exsim.run("configs/baseline.toml", replicates=2, years=3)
    exsim.survival.km(result.spells)                   # survival at each exit tenure (weeks), Greenwood se
    exsim.survival.retention(result.spells, months=[3, 6, 12, 24])
    frame = exsim.survival.spells_frame(result.spells) # tenure_at_start, tenure_weeks, left, key

    from lifelines import KaplanMeierFitter            # the same curve with lifelines (entry < t <= exit)
    KaplanMeierFitter().fit(frame["tenure_weeks"], frame["left"], entry=frame["tenure_at_start"])

What counts (`exits`): "voluntary" (the default: quits are events, involuntary exits censored),
"any" (every exit from the organisation), or a list of exit reasons. A promotion ("promoted")
is never an exit from the organisation: the person continues in a manager seat under a new
`employee_id`, with their tenure and `hire_week` carried over. `spells_frame` links the two
spells: the first is censored at the promotion, the second enters at the tenure the person had then.

Conventions (those of `exsim.analysis.survival.kaplan_meier`): a spell is at risk at tenure t when
tenure_at_start < t <= tenure_weeks (from t = 0 when it starts at hire), so a linked spell is never
counted twice at the promotion's tenure. lifelines counts a spell as at risk at its entry tenure
too; the two agree wherever no exit falls exactly on an entry tenure.

`employee_id` is unique within a replicate only: (scenario, replicate, employee_id) is the key,
joined in the column `key` ("baseline/0/1234").
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from exsim.analysis.survival import SPELL_COLUMNS, hazard_by_band, kaplan_meier, km_retention

__all__ = ["hazard", "km", "last_week", "retention", "spells_frame"]

GROUP = ("scenario", "replicate")


def spells_frame(spells: pd.DataFrame, exits: str | Sequence[str] = "voluntary", weeks: int | None = None,
                 hired_during_run: bool = False) -> pd.DataFrame:
    """The spells with what survival analysis needs, one row per spell:

    - `tenure_at_start`: tenure (weeks) when the spell came under observation: 0 for people hired
      in week 1 or later, the tenure at week 1 for those hired before it, the tenure at promotion for
      a manager's spell that continues a promoted person's;
    - `start_week`: the week observation began; `tenure_weeks` (tenure at exit or at the end);
    - `left`: True when the spell ended in an exit counted by `exits`, False when censored;
    - `promoted_from`: for a spell that continues a promotion, the `employee_id` it continues;
    - `key`: scenario/replicate/employee_id, unique across replicates and scenarios.

    weeks: the last recorded week (default: read from the open spells; give it for tables without
    scenario or replicate columns that mix runs of different lengths). hired_during_run: keep only
    people hired in week 1 or later (a cohort followed from hire).
    """
    missing = [c for c in (*SPELL_COLUMNS, "employee_id", "seat", "team_id") if c not in spells]
    if missing:
        raise ValueError(f"spells table lacks column(s) {', '.join(missing)}; expected exsim's spells table "
                         "(spells.parquet, exsim.run(...).spells or model.tables()['spells'])")
    reasons = _exit_reasons(exits)
    out = spells.reset_index(drop=True).copy()
    group = [c for c in GROUP if c in out]
    hire = out["hire_week"].to_numpy(dtype=np.int64)
    exit_week = out["exit_week"].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    exited = ~np.isnan(exit_week)
    tenure = out["tenure_weeks"].to_numpy(dtype=float)
    end = _last_week(out, group, weeks)
    start = np.maximum(hire, 1).astype(float)
    promoted_from = pd.array([pd.NA] * len(out), dtype="Int64")
    entry_at_promotion = np.full(len(out), np.nan)
    for successor, predecessor in _promotion_links(out, group):
        start[successor] = exit_week[predecessor]
        entry_at_promotion[successor] = tenure[predecessor]
        promoted_from[successor] = int(out["employee_id"].iloc[predecessor])
    end_exclusive = np.where(exited, exit_week, end + 1.0)
    entry = tenure - (end_exclusive - start)
    entry = np.where(~np.isnan(entry_at_promotion), entry_at_promotion, entry)
    entry = np.where((hire >= 1) & np.isnan(entry_at_promotion), 0.0, entry)
    entry = np.clip(entry, 0.0, tenure)  # float round-off only: the weeks add up exactly
    reason = out["exit_reason"].astype("string")
    out["start_week"] = start.astype(np.int64)
    out["tenure_at_start"] = entry
    out["tenure_weeks"] = tenure
    out["left"] = exited & reason.isin(reasons).fillna(False).to_numpy(dtype=bool)
    out["promoted_from"] = promoted_from
    parts = [out[c].astype(str) for c in group] + [out["employee_id"].astype(str)]
    out["key"] = parts[0].str.cat(parts[1:], sep="/") if len(parts) > 1 else parts[0]
    if hired_during_run:
        out = out[(out["hire_week"] >= 1)].reset_index(drop=True)
    return out


def km(spells: pd.DataFrame, exits: str | Sequence[str] = "voluntary", by: str | Sequence[str] | None = None,
       weeks: int | None = None, hired_during_run: bool = False) -> pd.DataFrame:
    """Kaplan-Meier survival at each exit tenure (weeks), left-truncated and censored (see `spells_frame`).

    Columns: time (tenure in weeks), at_risk, events, survival, se (Greenwood); with `by` (e.g.
    "scenario" or "role") one curve per group, the group columns first.
    """
    frame = spells_frame(spells, exits, weeks, hired_during_run)
    return _per_group(frame, by, lambda f: kaplan_meier(f["tenure_weeks"], f["left"], f["tenure_at_start"]))


def retention(spells: pd.DataFrame, months: Sequence[float] | None = None, exits: str | Sequence[str] = "voluntary",
              by: str | Sequence[str] | None = None, weeks: int | None = None,
              hired_during_run: bool = False) -> pd.DataFrame:
    """Share still employed at each tenure month (default 0, 1, ... up to the longest tenure).

    Columns: month, tenure_weeks, retention, se, at_risk (exsim.analysis.survival.km_retention),
    with the `by` columns first. A month is 365.25 / 12 days.
    """
    frame = spells_frame(spells, exits, weeks, hired_during_run)
    return _per_group(frame, by, lambda f: km_retention(f, months, duration="tenure_weeks", event="left",
                                                        entry="tenure_at_start"))


def hazard(spells: pd.DataFrame, exits: str | Sequence[str] = "voluntary", by: str | Sequence[str] | None = None,
           weeks: int | None = None, **bands) -> pd.DataFrame:
    """Exits per person-year by tenure band, exposure counted from each spell's entry (hazard_by_band)."""
    frame = spells_frame(spells, exits, weeks)
    return _per_group(frame, by, lambda f: hazard_by_band(f, duration="tenure_weeks", event="left",
                                                          entry="tenure_at_start", **bands))


def last_week(spells: pd.DataFrame) -> int:
    """The last recorded week of the run(s) behind a spells table, read from the open spells."""
    return int(_last_week(spells.reset_index(drop=True), [c for c in GROUP if c in spells], None).max())


# ---- helpers ---------------------------------------------------------------------------------
EXIT_REASONS = ("voluntary", "involuntary")


def _exit_reasons(exits: str | Sequence[str]) -> set[str]:
    if exits == "any":
        return set(EXIT_REASONS)
    chosen = {exits} if isinstance(exits, str) else set(exits)
    unknown = chosen - set(EXIT_REASONS)
    if unknown:
        raise ValueError(f"exits: {', '.join(sorted(unknown))} is not an exit from the organisation; give "
                         f"'any', {', '.join(map(repr, EXIT_REASONS))} or a list of them ('promoted' is a move "
                         "to a manager seat, linked to the spell it continues)")
    return chosen


def _last_week(spells: pd.DataFrame, group: list[str], weeks: int | None) -> np.ndarray:
    """Each row's run's last recorded week: `weeks`, else from its run's open spells hired in the run."""
    if weeks is not None:
        return np.full(len(spells), float(weeks))
    is_open = spells["exit_week"].isna().to_numpy()
    hired = spells["hire_week"].to_numpy() >= 1
    # someone hired in week h >= 1 and still employed after week W has been aged W - h + 1 weeks
    implied = spells["tenure_weeks"].to_numpy(dtype=float) + spells["hire_week"].to_numpy(dtype=float) - 1.0
    latest_exit = spells["exit_week"].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    frame = pd.DataFrame({"implied": np.where(is_open & hired, implied, np.nan), "exit": latest_exit})
    keys = [spells[c] for c in group] if group else [np.zeros(len(spells))]
    grouped = frame.groupby(keys, sort=False)
    week = grouped["implied"].transform("max").fillna(grouped["exit"].transform("max"))
    if week.isna().any():
        raise ValueError("cannot tell the run's last week from these spells; give weeks=")
    return np.rint(week.to_numpy(dtype=float))


def _promotion_links(spells: pd.DataFrame, group: list[str]) -> list[tuple[int, int]]:
    """(successor row, predecessor row) for each manager spell that continues a promoted person's spell.

    The promoted person's spell ends with exit_reason "promoted" in week p; their team is the
    manager seat they move into (team ids are manager seats), where a spell with the same
    hire_week starts in week p.
    """
    reason = spells["exit_reason"].astype("string")
    promoted = spells[reason.eq("promoted").fillna(False).to_numpy(dtype=bool)]
    if promoted.empty:
        return []
    keys = [*group, "seat", "hire_week"]
    candidates = spells.assign(_row=np.arange(len(spells)))
    candidates = candidates[candidates["role"].eq("manager").to_numpy(dtype=bool)] if "role" in spells else candidates
    wanted = promoted.assign(_pred=promoted.index.to_numpy(), seat=promoted["team_id"].to_numpy())
    pairs = wanted[[*keys, "_pred", "exit_week"]].merge(candidates[[*keys, "_row", "exit_week"]], on=keys,
                                                      suffixes=("_pred", ""))
    # the manager spell that was open at the promotion: it ends at or after the promotion week
    ends = pairs["exit_week"].astype("Float64").fillna(np.inf)
    pairs = pairs[(ends >= pairs["exit_week_pred"].astype("Float64")).to_numpy(dtype=bool)]
    pairs = pairs.sort_values("_row").drop_duplicates("_pred").drop_duplicates("_row")
    return list(zip(pairs["_row"].astype(int), pairs["_pred"].astype(int)))


def _per_group(frame: pd.DataFrame, by, compute) -> pd.DataFrame:
    if by is None:
        return compute(frame)
    by = [by] if isinstance(by, str) else list(by)
    missing = [c for c in by if c not in frame]
    if missing:
        raise ValueError(f"spells have no column {missing[0]!r}; columns: {', '.join(map(str, frame.columns))}")
    parts = []
    for values, part in frame.groupby(by, sort=True, dropna=False):
        table = compute(part)
        for column, value in zip(by, values if isinstance(values, tuple) else (values,)):
            table.insert(by.index(column), column, value)
        parts.append(table)
    return pd.concat(parts, ignore_index=True)
