"""Records what a run produces: weekly organisation KPIs, team-year rows and employment spells."""

from __future__ import annotations

from collections import deque

import numpy as np
import pandas as pd

from exsim.config.schema import Engagement
from exsim.config.timebase import WEEKS_PER_YEAR
from exsim.metrics.departments import Departments
from exsim.metrics.events import WeekEvents
from exsim.metrics.kpis import DEPARTMENT_KPIS, TEAM_KPIS, TIMESERIES
from exsim.metrics.measures import enps, enps_per_person, team_counts, team_membership, team_sum

TEAM_KEYS = ("year", "team_id", "department", "manager_id", "span")  # the teams table's columns before its KPIs
MISSING = -1  # a spell's or team-year's manager_id, or a spell's exit_week, while recorded: none (<NA> in the table)
SPELL_NULLABLE = ("manager_id", "exit_week")
SEAT_SUMS = ("headcount", "engagement", "burnout", "workload", "absent_days", "customers", "csat")  # kept per seat
TEAM_SUMS = ("support", "quits", "churned")  # kept per team


class Recorder:
    """Collects rows while the model steps; `tables()` returns them as DataFrames.

    After a reorganisation a spell goes on in the person's new seat (recorded when it ends); the teams
    table has, for that year, the old teams' rows over the weeks before it and the new teams' after.

    `world` is the model's state (org, staff and customer arrays, week, reputation); the recorder
    only reads it. `engagement` is the config section that defines eNPS. With `detail` False it
    keeps only the timeseries (designs keep only yearly KPIs): no team sums, spells or department rows.
    """

    def __init__(self, world, engagement: Engagement):
        self.world = world
        self.engagement_config = engagement
        self.weeks: list[dict] = []
        self.team_years: list[dict[str, np.ndarray]] = []  # one block of columns per recorded year
        self.spells: list[dict[str, np.ndarray]] = []  # one block of columns per call of record_spells
        self._quits = deque(maxlen=WEEKS_PER_YEAR)
        self._heads = deque(maxlen=WEEKS_PER_YEAR)
        self._churn = deque(maxlen=WEEKS_PER_YEAR)
        self._book = deque(maxlen=WEEKS_PER_YEAR)
        self._team = {name: np.zeros(world.org.n_teams) for name in TEAM_SUMS}
        self._seat = np.zeros((len(SEAT_SUMS), world.org.n_seats))  # the year's sums per seat, by team at its end
        self._members = team_membership(world.org.team_of, world.org.n_teams)
        self._team_weeks = 0
        self.department_rows: list[dict] = []
        self._departments = Departments(world.org)
        self.detail = True

    # ---- weekly ----------------------------------------------------------------------------
    def track_week(self, events: WeekEvents) -> None:
        """Feed the trailing 52-week rates (also during the unrecorded settling weeks)."""
        self._quits.append(len(events.quits))
        self._heads.append(int(self.world.staff.occupied.sum()))
        self._churn.append(len(events.churned_seats))
        self._book.append(int(self.world.staff.accounts.sum()))  # every active account is on a seat's book
        if self.detail and self._departments.grouped:
            self._departments.track(self.world, events)

    def record_week(self, events: WeekEvents) -> None:
        """Append the organisation's row for this week and add to the team-year sums."""
        m, staff = self.world, self.world.staff
        occ = staff.occupied
        headcount = int(occ.sum())
        n_customers = int(staff.accounts.sum())
        self.track_week(events)
        values = {
            "week": m.week,
            "year": (m.week - 1) // WEEKS_PER_YEAR + 1,
            "headcount": headcount,
            "managers": int(occ[m.org.is_manager].sum()),
            "vacancies": int((~occ).sum()),
            "engagement": _mean(staff.engagement, occ),
            "enps": self._enps(events),
            "burnout_share": _mean(staff.burnout > 0.5, occ),
            "manager_support": _mean(staff.support, occ),
            "trust_manager": _mean(staff.trust_manager, occ),
            "trust_org": _mean(staff.trust_org, occ),
            "absence_rate": float(staff.absent_days[occ].sum() / (5.0 * headcount)) if headcount else np.nan,
            "quits": len(events.quits),
            "involuntary_exits": len(events.involuntary),
            "hires": events.hires,
            "promotions": events.promotions,
            "referral_hires": events.referral_hires,
            "trained_manager_share": _mean(staff.trained_week >= 0, occ & m.org.is_manager),
            "reputation": m.reputation,
            "applicants_per_vacancy": events.applicants_per_vacancy,
            "changes_active": events.changes_active,
            "voluntary_attrition_rate": _annualised(self._quits, self._heads),
            "quit_hazard": events.quit_hazard_per_year,
            "customers": n_customers,
            "new_customers": events.new_customers,
            "churned_customers": len(events.churned_seats),
            "csat": float(staff.account_satisfaction.sum() / n_customers) if n_customers else np.nan,
            "customer_churn_rate": _annualised(self._churn, self._book),
            **events.money,
        }
        self.weeks.append({name: values[name] for name in ("week", "year", *TIMESERIES)})
        if not self.detail:
            return
        self._add_team_week(events)
        if self._departments.grouped:
            self.department_rows += self._departments.week_rows(m, events, values["week"], values["year"])

    def _enps(self, events: WeekEvents) -> float:
        """eNPS of the staff in post: the brand phase's (world.staff_enps) when it used the same definition, else computed."""
        if events.enps_definition == self.engagement_config:
            return self.world.staff_enps
        return enps(self.world.staff.engagement[self.world.staff.occupied], self.engagement_config)

    def _add_team_week(self, events: WeekEvents) -> None:
        m, staff, org = self.world, self.world.staff, self.world.org
        n = org.n_teams
        occ = staff.occupied
        for year_sum, this_week in zip(self._seat, (occ, staff.engagement * occ, (staff.burnout > 0.5) & occ,
                                                    staff.workload * occ, staff.absent_days, staff.accounts,
                                                    staff.account_satisfaction)):  # as SEAT_SUMS
            year_sum += this_week
        sums = self._team
        sums["support"] += m.team_support
        sums["quits"] += team_counts(org.team_of, events.quits, n)
        sums["churned"] += team_counts(org.team_of, events.churned_seats, n)
        self._team_weeks += 1
        if m.week % WEEKS_PER_YEAR == 0:
            self._flush_team_year()

    # ---- a reorganisation ------------------------------------------------------------------
    def close_teams(self) -> None:
        """Before a reorganisation: the old teams' rows for the part of the year they existed."""
        if self._team_weeks:
            self._flush_team_year()

    def reorganised(self) -> None:
        """After a reorganisation: team sums for the new teams, departments by the new seats."""
        self._team = {name: np.zeros(self.world.org.n_teams) for name in TEAM_SUMS}
        self._seat = np.zeros((len(SEAT_SUMS), self.world.org.n_seats))
        self._members = team_membership(self.world.org.team_of, self.world.org.n_teams)
        self._team_weeks = 0
        self._departments.regroup(self.world.org)

    def _flush_team_year(self) -> None:
        """One row per team with members: the year's sums turned into the team-year KPIs, all teams at once."""
        m, staff, org = self.world, self.world.staff, self.world.org
        sums = {**dict(zip(SEAT_SUMS, (self._members @ self._seat.T).T)), **self._team}  # one pass for the seat sums
        weeks = self._team_weeks
        sizes = org.team_sizes()
        teams = np.flatnonzero(sizes > 0)
        leaders = org.team_leader[teams]
        heads = sums["headcount"][teams] / weeks
        person_weeks = sums["headcount"][teams]
        book = sums["customers"][teams] / weeks
        in_post = staff.occupied.astype(np.float64)
        values = {
            "year": np.full(len(teams), (m.week - 1) // WEEKS_PER_YEAR + 1),
            "team_id": teams,
            "department": np.asarray(self._departments.labels, dtype=object)[self._departments.code[leaders]],
            "manager_id": np.where(staff.occupied[leaders], staff.agent_id[leaders], MISSING),
            "span": sizes[teams],
            "headcount": heads,
            "workload": _ratios(sums["workload"][teams], person_weeks),
            "manager_support": sums["support"][teams] / weeks,
            "engagement": _ratios(sums["engagement"][teams], person_weeks),
            "enps": _ratios(team_sum(org.team_of, enps_per_person(staff.engagement, self.engagement_config) * in_post,
                                     org.n_teams)[teams], team_sum(org.team_of, in_post, org.n_teams)[teams]),
            "burnout_share": _ratios(sums["burnout"][teams], person_weeks),
            "quits": sums["quits"][teams].astype(np.int64),
            "voluntary_attrition_rate": _ratios(sums["quits"][teams], heads * weeks / WEEKS_PER_YEAR),
            "absence_rate": _ratios(sums["absent_days"][teams], 5.0 * person_weeks),
            "customers": book,
            "csat": _ratios(sums["csat"][teams], sums["customers"][teams]),
            "customer_churn_rate": _ratios(sums["churned"][teams], book * weeks / WEEKS_PER_YEAR),
        }
        self.team_years.append({name: values[name] for name in (*TEAM_KEYS, *TEAM_KPIS)})
        for arr in (self._seat, *self._team.values()):
            arr[:] = 0.0
        self._team_weeks = 0

    # ---- spells ----------------------------------------------------------------------------
    def record_spells(self, seats: np.ndarray, exit_reason: str | None) -> None:
        """One row per employment spell ending now (or still open at the end when reason is None), all seats at once."""
        if len(seats) == 0 or not self.detail:
            return
        staff, org = self.world.staff, self.world.org
        seats = np.asarray(seats, dtype=np.int64)
        team = org.team_of[seats]
        leader = np.where(team >= 0, org.team_leader[np.maximum(team, 0)], -1)
        led = (leader >= 0) & staff.occupied[np.maximum(leader, 0)]
        n = len(seats)
        self.spells.append({
            "employee_id": staff.agent_id[seats],
            "seat": seats,
            "team_id": team,
            "department": np.asarray(self._departments.labels, dtype=object)[self._departments.code[seats]],
            "manager_id": np.where(led, staff.agent_id[np.maximum(leader, 0)], MISSING),
            "role": np.where(org.is_manager[seats], "manager", "employee").astype(object),
            "frontline": org.frontline[seats],
            "hire_week": staff.hire_week[seats],
            "exit_week": np.full(n, self.world.week if exit_reason else MISSING, dtype=np.int64),
            "exit_reason": np.full(n, exit_reason, dtype=object),
            "tenure_weeks": staff.tenure_weeks[seats],
            "engagement": staff.engagement[seats],
            "burnout": staff.burnout[seats],
            "workload": staff.workload[seats],
            "absent_weeks": staff.absent_days_total[seats] / 5.0,
        })

    @property
    def spell_count(self) -> int:
        """Rows in self.spells (the closed spells recorded so far)."""
        return sum(len(block["seat"]) for block in self.spells)

    def spells_since(self, start: int = 0) -> pd.DataFrame:
        """The spells recorded so far (closed ones; open ones only inside `tables()`), from row `start` on."""
        first, skipped = 0, 0
        while first < len(self.spells) and skipped + len(self.spells[first]["seat"]) <= start:
            skipped += len(self.spells[first]["seat"])
            first += 1
        return _blocks_frame(self.spells[first:], SPELL_NULLABLE).iloc[start - skipped:].reset_index(drop=True)

    # ---- tables ----------------------------------------------------------------------------
    def tables(self) -> dict[str, pd.DataFrame]:
        """timeseries, teams, spells (including those still open) and departments as DataFrames; only the
        timeseries without `detail`."""
        timeseries = pd.DataFrame(self.weeks, columns=["week", "year", *TIMESERIES])
        if not self.detail:
            return {"timeseries": timeseries}
        closed = len(self.spells)
        self.record_spells(np.flatnonzero(self.world.staff.occupied), None)
        spells = _blocks_frame(self.spells, SPELL_NULLABLE)
        del self.spells[closed:]
        teams = _blocks_frame(self.team_years, ("manager_id",))
        columns = ["week", "year", "department", *DEPARTMENT_KPIS]
        if self._departments.grouped:
            departments = pd.DataFrame(self.department_rows, columns=columns)
        else:  # the whole organisation is the one group
            departments = timeseries.assign(department=self._departments.labels[0])[columns]
        return {"timeseries": timeseries, "teams": teams, "spells": spells, "departments": departments}


def _blocks_frame(blocks: list[dict[str, np.ndarray]], nullable: tuple[str, ...]) -> pd.DataFrame:
    """Blocks of columns (spells, team-years) as one DataFrame, no columns when there are none; MISSING in
    the `nullable` columns becomes <NA>."""
    if not blocks:
        return pd.DataFrame()
    columns = {name: np.concatenate([block[name] for block in blocks]) for name in blocks[0]}
    for name in nullable:
        columns[name] = pd.array(columns[name], dtype="Int64")
        columns[name][columns[name] == MISSING] = pd.NA
    return pd.DataFrame(columns)


def _annualised(events: deque, population: deque) -> float:
    mean_pop = sum(population) / len(population) if population else 0.0
    return float(sum(events) / mean_pop * WEEKS_PER_YEAR / len(events)) if mean_pop > 0 else np.nan


def _mean(values: np.ndarray, mask: np.ndarray) -> float:
    """Mean of the masked values (sum over count: numpy's mean without its call overhead, the same number)."""
    chosen = values[mask]
    return float(chosen.sum() / len(chosen)) if len(chosen) else np.nan


def _ratios(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    """num / den element by element, NaN where den is 0."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(den > 0, num / np.where(den > 0, den, 1.0), np.nan)
