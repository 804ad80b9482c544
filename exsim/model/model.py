"""OrgModel: a Mesa model of an organisation stepped week by week."""

from __future__ import annotations

import mesa
import numpy as np
import pandas as pd
from mesa.discrete_space import Network

from exsim.config import ScenarioConfig, load_config
from exsim.mechanisms import absence, attrition, burnout, customers, engagement, finance, hiring, manager_support
from exsim.mechanisms import peers, perks, trust, workload
from exsim.mechanisms.common import sigmoid
from exsim.metrics.recorder import Recorder
from exsim.model.agents import Customer, Employee, Manager
from exsim.model.state import CustomerState, StaffState
from exsim.model.streams import Streams, entropy_from
from exsim.org import OrgStructure, build_org

MAX_TENURE_WEEKS = 40 * 52  # careers longer than 40 years are not drawn at the start (assumption)


class OrgModel(mesa.Model):
    """An organisation of employees, managers and customers, stepped one week at a time.

    `OrgModel(config, rng=7)` builds the org graph, fills every seat, places people in a
    `mesa.discrete_space.Network`, then runs `config.sim.burn_in_weeks` unrecorded weeks so slow
    variables settle. `run(weeks)` records; `tables()` returns timeseries, teams and spells.
    """

    def __init__(self, config: ScenarioConfig | None = None, *, rng=None, burn_in_weeks: int | None = None):
        self.seed_entropy = entropy_from(rng)
        super().__init__(rng=self.seed_entropy)
        self.config = config if config is not None else load_config()
        self.streams = Streams(self.seed_entropy)
        self.org: OrgStructure = build_org(self.config.org, self.streams["org"])
        self.network = Network(self.org.graph, layout=None, random=self.random)
        self.staff = StaffState(self.org.n_seats)
        self.seat_holder: list[Employee | None] = [None] * self.org.n_seats
        self.customers = CustomerState(0)
        self.customer_agents: dict[int, Customer] = {}
        burn_in = self.config.sim.burn_in_weeks if burn_in_weeks is None else burn_in_weeks
        self.week = -burn_in
        self.recorder = Recorder(self)
        self.account_difficulty = self.streams["accounts"].normal(
            0.0, self.config.customers.account_difficulty_sd, self.org.n_seats)[np.maximum(self.org.team_of, 0)]
        self._fill_initial_seats()
        self._settle_slow_variables()
        self._open_initial_accounts()
        self.starting_book = int(self.customers.active.sum())
        for _ in range(burn_in):
            self.step()

    # ---- set-up ----------------------------------------------------------------------------
    def _fill_initial_seats(self) -> None:
        """Everyone in place, with tenures drawn from the steady state of the quit hazard."""
        seats = np.arange(self.org.n_seats)
        self._hire(seats)
        tenure = _steady_state_tenures(self.config, len(seats), self.streams["init"])
        self.staff.tenure_weeks[:] = tenure
        self.staff.hire_week[:] = self.week - tenure.astype(np.int64)
        work = self.config.work
        self.staff.skill[:] = 1.0 - (1.0 - work.new_hire_skill) * np.exp(-tenure / work.ramp_weeks)

    def _settle_slow_variables(self, rounds: int = 5) -> None:
        """Start trust, strain and engagement at the levels their drivers imply."""
        cfg, staff = self.config, self.staff
        for _ in range(rounds):
            workload.update_workload(self.org, staff, cfg.work, cfg.managers)
            manager_support.update_support(self.org, staff, cfg.managers)
            staff.trust_manager[:] = staff.support
            staff.trust_org[:] = cfg.culture.trust
            peers.update_peers(self.org, staff, cfg.culture)
            perks.update_perks(staff, cfg.policy)
            staff.strain[:] = burnout.strain_target(staff, cfg.work)
            staff.engagement[:] = engagement.engagement_target(staff, cfg.engagement)

    def _open_initial_accounts(self) -> None:
        frontline = np.flatnonzero(self.org.frontline)
        n = int(round(self.config.customers.per_frontline_employee * len(frontline)))
        if n == 0:
            return
        seats = np.resize(frontline, n)  # round-robin: every frontline seat gets its share
        self._open_accounts(seats)
        cust = self.customers
        cust.satisfaction[:] = np.where(cust.active, customers.experienced_quality(
            cust, self.staff, self.config.customers, self.account_difficulty), 0.0)

    # ---- the weekly step -------------------------------------------------------------------
    def step(self) -> None:
        """One week, in this order:

        1. workload: team demand over the capacity present (absences and vacancies load colleagues)
        2. manager support: behaviour quality x attention (shrinking with span)
        3. trust in the manager and in the organisation
        4. peer help and teammates' engagement
        5. perks (gated by the basics)
        6. strain and burnout
        7. engagement (drivers, inertia, contagion)
        8. absence spells
        9. exits: quits and involuntary exits (vacancies open)
        10. hiring into seats that were already vacant; skill ramp-up; tenure
        11. customers: satisfaction, churn, new accounts
        12. money and records
        """
        cfg, org, staff = self.config, self.org, self.staff
        self.week += 1
        workload.update_workload(org, staff, cfg.work, cfg.managers)
        team_support = manager_support.update_support(org, staff, cfg.managers)
        trust.update_trust(staff, cfg.culture)
        peers.update_peers(org, staff, cfg.culture)
        perks.update_perks(staff, cfg.policy)
        burnout.update_strain_and_burnout(staff, cfg.work)
        engagement.update_engagement(staff, cfg.engagement, cfg.culture)
        absence.update_absence(staff, cfg.absence, self.streams["absence"])
        fills = hiring.draw_fills(staff, cfg.policy, cfg.market, self.streams["hiring"])
        quits, involuntary = attrition.draw_exits(staff, cfg.attrition, cfg.market, self.streams["attrition"])
        exits = np.concatenate([quits, involuntary])
        money = finance.weekly_money(staff, org.is_manager, exits, 0, cfg.costs, cfg.policy)
        self._exit(quits, "voluntary")
        self._exit(involuntary, "involuntary")
        self._hire(fills)
        hiring.ramp_skill(staff, cfg.work)
        staff.tenure_weeks += staff.occupied
        churned_seats, new_customers = self._customer_week()
        money["revenue"] = self.customers.active.sum() * cfg.costs.revenue_per_customer_eur / 52.0
        if self.week >= 1:
            events = {"quits": quits, "involuntary": involuntary, "hires": fills,
                      "churned": churned_seats, "churned_seats": churned_seats, "new_customers": new_customers}
            self.recorder.record_week(events, money, team_support)

    def run(self, weeks: int, progress=None) -> None:
        """Step `weeks` recorded weeks; `progress(1)` is called after each when given."""
        for _ in range(weeks):
            self.step()
            if progress is not None:
                progress(1)

    def tables(self) -> dict[str, pd.DataFrame]:
        """The result tables recorded so far: timeseries, teams, spells."""
        return self.recorder.tables()

    # ---- rare events: Python loops over the few agents concerned ---------------------------
    def _hire(self, seats: np.ndarray) -> None:
        """Start a new person in each seat: a new agent whose state overwrites the seat's row."""
        if len(seats) == 0:
            return
        cfg, staff, rng = self.config, self.staff, self.streams["hiring"]
        n = len(seats)
        staff.occupied[seats] = True
        staff.hire_week[seats] = self.week
        staff.tenure_weeks[seats] = 0.0
        staff.skill[seats] = cfg.work.new_hire_skill
        staff.disposition[seats] = rng.normal(0.0, cfg.engagement.disposition_sd, n)
        staff.resilience[seats] = rng.normal(0.0, cfg.work.resilience_sd, n)
        honeymoon = cfg.engagement.new_hire_boost * cfg.policy.onboarding_quality
        staff.engagement[seats] = sigmoid(0.6 + staff.disposition[seats] + honeymoon)
        staff.trust_manager[seats] = cfg.culture.trust
        staff.trust_org[seats] = cfg.culture.trust
        staff.strain[seats] = 0.2
        staff.burnout[seats] = 0.0
        staff.absent_days[seats] = 0.0
        staff.absent_days_total[seats] = 0.0
        staff.long_absence_weeks_left[seats] = 0
        staff.manager_quality[seats] = np.where(
            self.org.is_manager[seats], manager_support.draw_manager_quality(cfg.managers, n, rng), 0.0)
        for seat in seats:
            agent = (Manager if self.org.is_manager[seat] else Employee)(self, int(seat))
            self.seat_holder[seat] = agent
            staff.agent_id[seat] = agent.unique_id

    def _exit(self, seats: np.ndarray, reason: str) -> None:
        """The holders of these seats leave: record their spell, remove the agent, open a vacancy."""
        if len(seats) == 0:
            return
        if self.week >= 1:
            self.recorder.record_spells(seats, reason)
        staff = self.staff
        for seat in seats:
            self.seat_holder[seat].remove()
            self.seat_holder[seat] = None
        staff.occupied[seats] = False
        staff.agent_id[seats] = -1
        for name in ("engagement", "strain", "burnout", "absent_days", "skill", "workload"):
            getattr(staff, name)[seats] = 0.0
        staff.long_absence_weeks_left[seats] = 0

    def _customer_week(self) -> tuple[np.ndarray, int]:
        """Serve, lose and win customers; returns the seats of churned accounts and the number won."""
        cfg, cust = self.config.customers, self.customers
        rng = self.streams["customers"]
        customers.update_satisfaction(cust, self.staff, cfg, self.account_difficulty, rng)
        churned = customers.draw_churn(cust, cfg, rng)
        churned_seats = cust.account_seat[churned].copy()
        for row in churned:
            self.customer_agents.pop(int(row)).remove()
        cust.active[churned] = False
        cust.agent_id[churned] = -1
        frontline = np.flatnonzero(self.org.frontline)
        won = customers.draw_new_customers(self.starting_book, cfg, rng) if len(frontline) else 0
        if won:
            seats = frontline[rng.integers(0, len(frontline), won)]
            self._open_accounts(seats)
        return churned_seats, won

    def _open_accounts(self, seats: np.ndarray) -> None:
        """New customer accounts held by these seats, starting at the reference satisfaction."""
        cust, cfg = self.customers, self.config.customers
        rows = cust.free_rows(len(seats))
        cust.active[rows] = True
        cust.account_seat[rows] = seats
        cust.satisfaction[rows] = cfg.satisfaction_reference
        cust.leniency[rows] = self.streams["customers"].normal(0.0, cfg.customer_mood_sd, len(rows))
        cust.tenure_weeks[rows] = 0.0
        for row in rows:
            agent = Customer(self, int(row))
            self.customer_agents[int(row)] = agent
            cust.agent_id[row] = agent.unique_id


def _steady_state_tenures(config: ScenarioConfig, n: int, rng: np.random.Generator) -> np.ndarray:
    """Tenures (weeks) drawn in proportion to survival under the settled hazards."""
    weeks = np.arange(MAX_TENURE_WEEKS, dtype=np.float64)
    att = config.attrition
    hazard = att.base_quit_rate_per_year / 52.0 * attrition.tenure_curve(weeks, att) + att.involuntary_rate_per_year / 52.0
    survival = np.exp(-np.cumsum(hazard))
    return rng.choice(weeks, size=n, p=survival / survival.sum())
