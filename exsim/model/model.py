"""OrgModel: a Mesa model of an organisation stepped week by week."""

from __future__ import annotations

import mesa
import numpy as np
import pandas as pd
from mesa.discrete_space import Network

from exsim.config import ScenarioConfig, load_config
from exsim.config.timebase import WEEKS_PER_YEAR
from exsim.interventions import Schedule, concurrent_changes
from exsim.mechanisms import absence, attrition, brand, burnout, contagion, customers, drivers, engagement, finance
from exsim.mechanisms import hiring, listening, manager_support, peers, perks, training, trust, workload
from exsim.mechanisms.common import sigmoid
from exsim.metrics.recorder import Recorder
from exsim.model.agents import Customer, Employee, Manager
from exsim.model.state import CustomerState, StaffState
from exsim.model.streams import Streams, entropy_from
from exsim.org import OrgStructure, organisation

MAX_TENURE_WEEKS = 40 * WEEKS_PER_YEAR  # careers longer than 40 years are not drawn at the start (assumption)
ALUMNI_MEMORY = 0.02  # each leaver moves the alumni sentiment 2% of the way to their own (assumption)


class OrgModel(mesa.Model):
    """An organisation of employees, managers and customers, stepped one week at a time.

    `OrgModel(config, rng=7)` builds the org graph, fills every seat, places people in a
    `mesa.discrete_space.Network`, then runs `config.sim.burn_in_weeks` unrecorded weeks so slow
    variables settle. `run(weeks)` records; `tables()` returns timeseries, teams and spells.
    `config` is the scenario; `current` is the config in force this week (interventions applied).
    """

    def __init__(self, config: ScenarioConfig | None = None, *, rng=None, burn_in_weeks: int | None = None,
                 org: OrgStructure | None = None):
        self.seed_entropy = entropy_from(rng)
        super().__init__(rng=self.seed_entropy)
        self.config = config if config is not None else load_config()
        self.schedule = Schedule(self.config)
        self.streams = Streams(self.seed_entropy)
        self.org: OrgStructure = org if org is not None else organisation(self.config.org, self.streams["org"])
        self.network = Network(self.org.graph, layout=None, random=self.random)
        self.staff = StaffState(self.org.n_seats)
        self.seat_holder: list[Employee | None] = [None] * self.org.n_seats
        self.customers = CustomerState(0)
        self.customer_agents: dict[int, Customer] = {}
        burn_in = self.config.sim.burn_in_weeks if burn_in_weeks is None else burn_in_weeks
        self.week = -burn_in
        self.current = self.schedule.config_at(self.week)
        self.recorder = Recorder(self)
        self._draw_fixed_differences()
        self.team_trust_credit = np.zeros(self.org.n_teams)
        self.promotions_last_year = 0.0
        self._fill_initial_seats()
        self._settle_slow_variables()
        self._open_initial_accounts()
        self.starting_book = int(self.customers.active.sum())
        self.alumni_enps = self.current_enps() - 20.0
        self.reputation = brand.reputation_target(self.current_enps(), self.alumni_enps, self.config.brand)
        for _ in range(burn_in):
            self._user_step()  # our step without advancing Mesa's clock: model.time counts recorded weeks

    # ---- set-up ----------------------------------------------------------------------------
    def _draw_fixed_differences(self) -> None:
        """Teams differ in demand and in how demanding their customer accounts are."""
        rng, cfg = self.streams["teams"], self.config
        self.team_demand = np.maximum(1.0 + rng.normal(0.0, cfg.org.team_workload_sd, self.org.n_teams), 0.3)
        difficulty = rng.normal(0.0, cfg.customers.account_difficulty_sd, self.org.n_teams)
        self.account_difficulty = difficulty[np.maximum(self.org.team_of, 0)]

    def _fill_initial_seats(self) -> None:
        """Everyone in place, with tenures drawn from the steady state of the quit hazard."""
        seats = np.arange(self.org.n_seats)
        self._hire(seats, fit=0.0, referral_probability=0.0)
        tenure = _steady_state_tenures(self.config, len(seats), self.streams["init"])
        self.staff.tenure_weeks[:] = tenure
        self.staff.hire_week[:] = self.week - tenure.astype(np.int64)
        work = self.config.work
        self.staff.skill[:] = 1.0 - (1.0 - work.new_hire_skill) * np.exp(-tenure / work.ramp_weeks)

    def _settle_slow_variables(self, rounds: int = 5) -> None:
        """Start trust, strain and engagement at the levels their drivers imply."""
        cfg, staff = self.current, self.staff
        staff.customer_mood[:] = cfg.customers.satisfaction_reference
        for _ in range(rounds):
            workload.update_workload(self.org, staff, cfg.work, cfg.managers, self.team_demand)
            _, team_attention = manager_support.update_support(self.org, staff, cfg.managers)
            staff.trust_manager[:] = staff.support
            staff.trust_org[:] = trust.org_trust_target(staff, cfg.culture)
            peers.update_peers(self.org, staff, cfg.culture)
            staff.growth[:] = drivers.growth(self.org, staff, cfg, team_attention, 0.02)
            perks.update_perks(staff, cfg.policy)
            staff.strain[:] = burnout.strain_target(staff, cfg.work)
            staff.engagement[:] = engagement.engagement_target(staff, cfg)

    def _open_initial_accounts(self) -> None:
        frontline = np.flatnonzero(self.org.frontline)
        n = int(round(self.config.customers.per_frontline_employee * len(frontline)))
        if n == 0:
            return
        self._open_accounts(np.resize(frontline, n))  # round-robin: every frontline seat gets its share
        cust = self.customers
        cust.satisfaction[:] = np.where(cust.active, customers.experienced_quality(
            cust, self.staff, self.config.customers, self.account_difficulty), 0.0)

    # ---- the weekly step -------------------------------------------------------------------
    def step(self) -> None:
        """One week, in this order:

        1. interventions: the config in force this week; manager training enrolment and gains
        2. workload: team demand over the capacity present (absences and vacancies load colleagues)
        3. manager support: behaviour quality x attention (shrinking with span; interim cover)
        4. listening: pulse surveys and their follow-up; trust in the manager and the organisation
        5. peer help, growth and perks
        6. strain and burnout (overload, promoted managers, change fatigue, unhappy customers)
        7. engagement (drivers, inertia, contagion)
        8. absence spells
        9. exits: quits and involuntary exits; turnover contagion; alumni sentiment
        10. hiring into seats already vacant (internal promotions for manager seats); skill ramp
        11. customers: satisfaction, churn, word of mouth, mood fed back to staff
        12. employer brand; money; records

        Each cause enters once (job demands-resources): resources (support, trust, peers, growth,
        fairness, pay, purpose, perks, customer pride) -> engagement -> exit; demands (workload,
        promoted managers' strain, change fatigue, unhappy customers) -> strain -> exit, and
        strain -> burnout -> absence. Workload never enters the hazard or engagement directly.
        """
        org, staff = self.org, self.staff
        self.week += 1
        cfg = self.current = self.schedule.config_at(self.week)
        strength = 1.0 - 0.5 * cfg.culture.senior_toxicity  # toxic leadership blunts EX programmes (seed 002)
        programme_eur = self.schedule.one_off_costs(self.week) + self._training_week(cfg, strength)
        workload.update_workload(org, staff, cfg.work, cfg.managers, self.team_demand)
        team_support, team_attention = manager_support.update_support(org, staff, cfg.managers)
        programme_eur += self._listening_week(cfg, strength)
        trust.update_trust(staff, cfg.culture)
        peers.update_peers(org, staff, cfg.culture)
        staff.growth[:] = drivers.growth(org, staff, cfg, team_attention, self.promotions_last_year / org.n_seats)
        perks.update_perks(staff, cfg.policy, strength)
        burnout.update_strain_and_burnout(staff, cfg.work, self._extra_strain(cfg))
        engagement.update_engagement(staff, cfg)
        absence.update_absence(staff, cfg.absence, self.streams["absence"])
        fills = hiring.draw_fills(staff, cfg.policy, self._time_to_fill(cfg), self.streams["hiring"])
        hazard = attrition.quit_hazard(staff, cfg)
        self.quit_hazard_per_year = float(hazard.sum() / max(staff.occupied.sum(), 1) * WEEKS_PER_YEAR)
        quits, involuntary = attrition.draw_exits(staff, hazard, cfg, self.streams["attrition"])
        contagion.shock_teams(org, staff, quits, cfg.attrition)
        self._remember_leavers(np.concatenate([quits, involuntary]))
        money = finance.weekly_money(staff, org.is_manager, np.concatenate([quits, involuntary]), cfg, programme_eur)
        self._exit(quits, "voluntary")
        self._exit(involuntary, "involuntary")
        promoted, referrals, hires = self._fill(fills, cfg)
        hiring.ramp_skill(staff, cfg.work, cfg.policy.onboarding_quality)
        contagion.update_contagion(staff, cfg.attrition)
        staff.tenure_weeks += staff.occupied
        churned_seats, won = self._customer_week(cfg)
        self._update_brand(cfg)
        money["revenue"] = self.customers.active.sum() * cfg.costs.revenue_per_customer_eur / WEEKS_PER_YEAR
        events = {"quits": quits, "involuntary": involuntary, "hires": hires, "churned_seats": churned_seats,
                  "new_customers": won, "promotions": promoted, "referral_hires": referrals,
                  "changes_active": concurrent_changes(self.config, self.week)}
        if self.week >= 1:
            self.recorder.record_week(events, money, team_support)
        else:
            self.recorder.track_week(events)

    def run(self, weeks: int, progress=None) -> None:
        """Step `weeks` recorded weeks; `progress(1)` is called after each when given."""
        for _ in range(weeks):
            self.step()
            if progress is not None:
                progress(1)

    def tables(self) -> dict[str, pd.DataFrame]:
        """The result tables recorded so far: timeseries, teams, spells."""
        return self.recorder.tables()

    def current_enps(self) -> float:
        """eNPS of everyone in post now."""
        return engagement.enps(self.staff.engagement[self.staff.occupied], self.config.engagement)

    @property
    def applicants_per_vacancy(self) -> float:
        return brand.applicants_per_vacancy(self.reputation, self.current.brand)

    # ---- phases with state of their own ----------------------------------------------------
    def _training_week(self, cfg: ScenarioConfig, strength: float) -> float:
        """Enrol managers while the programme runs; update training gains. Returns its cost this week."""
        enrolled = 0
        if cfg.training.share > 0 and self.week >= 1:  # programmes start with the recorded run
            enrolled = training.train_managers(self.org, self.staff, cfg.training, self.week, self.streams["training"])
        self.staff.training_gain[:] = training.training_gain(self.staff, self.week, cfg.training) * strength
        return enrolled * cfg.training.cost_eur_per_manager

    def _listening_week(self, cfg: ScenarioConfig, strength: float) -> float:
        """Run a pulse survey when one is due; returns its cost (survey plus follow-up)."""
        listening.fade_trust_credit(self.team_trust_credit, cfg.listening)
        cost = 0.0
        if listening.is_survey_week(self.week, cfg.listening):
            followed = listening.run_survey(self.org, cfg.listening, self.team_trust_credit, strength,
                                            self.streams["listening"])
            cost = (self.staff.occupied.sum() * cfg.costs.survey_eur_per_employee
                    + followed * cfg.costs.follow_up_eur_per_team)
        self.staff.trust_credit[:] = listening.seat_trust_credit(self.org, self.staff, self.team_trust_credit)
        return float(cost)

    def _promoted_untrained(self) -> np.ndarray:
        return (self.staff.promoted & (self.staff.trained_week < 0)).astype(np.float64)

    def _extra_strain(self, cfg: ScenarioConfig) -> np.ndarray:
        """Logit strain on top of load and resources: promoted untrained managers, change fatigue, customers."""
        n_changes = concurrent_changes(self.config, self.week)
        unhappy = np.maximum(cfg.customers.satisfaction_reference - self.staff.customer_mood, 0.0)
        return (cfg.managers.promoted_strain * self._promoted_untrained()
                + cfg.work.change_fatigue_strain * max(n_changes - 1, 0)
                + cfg.customers.unhappy_customer_strain * unhappy)

    def _time_to_fill(self, cfg: ScenarioConfig) -> float:
        return hiring.time_to_fill_weeks(cfg.policy, cfg.market, self.applicants_per_vacancy,
                                         cfg.brand.applicants_per_vacancy)

    def _remember_leavers(self, seats: np.ndarray) -> None:
        """Alumni sentiment moves toward what this week's leavers would say about us."""
        if len(seats):
            moved = 1.0 - (1.0 - ALUMNI_MEMORY) ** len(seats)
            self.alumni_enps += moved * (engagement.enps(self.staff.engagement[seats], self.config.engagement)
                                         - self.alumni_enps)

    def _update_brand(self, cfg: ScenarioConfig) -> None:
        target = brand.reputation_target(self.current_enps(), self.alumni_enps, cfg.brand)
        self.reputation = brand.update_reputation(self.reputation, target, cfg.brand)

    def _fill(self, seats: np.ndarray, cfg: ScenarioConfig) -> tuple[int, int, int]:
        """Fill vacancies: some manager seats by promoting a team member, the rest by hiring.

        Returns promotions, referral hires and external hires.
        """
        manager_seats = seats[self.org.is_manager[seats]]
        internal = manager_seats[self.streams["promotion"].random(len(manager_seats)) < cfg.managers.internal_promotion_share]
        promoted = sum(self._promote_into(seat, cfg) for seat in internal)
        self.promotions_last_year += promoted - self.promotions_last_year / WEEKS_PER_YEAR
        external = np.setdiff1d(seats, internal[self.staff.occupied[internal]])
        fit = brand.hire_fit(self.applicants_per_vacancy, cfg.brand)
        referrals = self._hire(external, fit, brand.referral_probability(self.current_enps(), cfg.brand))
        return promoted, referrals, len(external)

    # ---- rare events: Python loops over the few agents concerned ---------------------------
    def _hire(self, seats: np.ndarray, fit: float, referral_probability: float) -> int:
        """Start a new person in each seat: a new agent whose state overwrites the seat's row.

        Returns the number of referral hires.
        """
        if len(seats) == 0:
            return 0
        cfg, staff, rng = self.current, self.staff, self.streams["hiring"]
        n = len(seats)
        referral = rng.random(n) < referral_probability
        staff.occupied[seats] = True
        staff.hire_week[seats] = self.week
        staff.tenure_weeks[seats] = 0.0
        staff.skill[seats] = cfg.work.new_hire_skill
        staff.referral[seats] = referral
        staff.disposition[seats] = rng.normal(fit, cfg.engagement.disposition_sd, n) + cfg.brand.referral_fit * referral
        staff.resilience[seats] = rng.normal(0.0, cfg.work.resilience_sd, n)
        honeymoon = cfg.engagement.new_hire_boost * cfg.policy.onboarding_quality
        staff.engagement[seats] = sigmoid(0.6 + staff.disposition[seats] + honeymoon)
        staff.trust_manager[seats] = cfg.culture.trust
        staff.trust_org[seats] = min(cfg.culture.trust, 1.0 - cfg.culture.senior_toxicity)
        for name in ("strain", "burnout", "absent_days", "absent_days_total", "contagion", "contagion_exposure"):
            getattr(staff, name)[seats] = 0.0
        staff.strain[seats] = 0.2
        staff.long_absence_weeks_left[seats] = 0
        staff.trained_week[seats] = -1
        staff.promoted[seats] = False
        shift = cfg.managers.leadership_quality_bonus if cfg.managers.selection == "leadership" else 0.0
        staff.manager_quality[seats] = np.where(
            self.org.is_manager[seats], manager_support.draw_manager_quality(cfg.managers, n, rng, shift), 0.0)
        for seat in seats:
            self._new_agent(int(seat))
        return int(referral.sum())

    def _promote_into(self, manager_seat: int, cfg: ScenarioConfig) -> int:
        """Promote a member of the team into its vacant manager seat; returns 1 if someone was promoted."""
        staff = self.staff
        members = np.flatnonzero((self.org.team_of == manager_seat) & staff.occupied & ~self.org.is_manager)
        if len(members) == 0:
            return 0
        top = cfg.managers.selection == "top_performer"
        score = staff.skill[members] + staff.engagement[members] if top else staff.disposition[members]
        person = int(members[np.argmax(score)])
        carried = {name: getattr(staff, name)[person] for name in
                   ("tenure_weeks", "engagement", "disposition", "resilience", "trust_org", "skill")}
        hire_week = staff.hire_week[person]
        self._exit(np.array([person]), "promoted")
        self._hire(np.array([manager_seat]), 0.0, 0.0)
        for name, value in carried.items():
            getattr(staff, name)[manager_seat] = value
        staff.hire_week[manager_seat] = hire_week
        shift = -cfg.managers.top_performer_quality_penalty if top else cfg.managers.leadership_quality_bonus
        staff.manager_quality[manager_seat] = manager_support.draw_manager_quality(
            cfg.managers, 1, self.streams["promotion"], shift)[0]
        staff.promoted[manager_seat] = top
        return 1

    def _new_agent(self, seat: int) -> None:
        agent = (Manager if self.org.is_manager[seat] else Employee)(self, seat)
        self.seat_holder[seat] = agent
        self.staff.agent_id[seat] = agent.unique_id

    def _exit(self, seats: np.ndarray, reason: str) -> None:
        """The holders of these seats leave (or move up): record their spell, remove the agent, open a vacancy."""
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
        for name in ("engagement", "strain", "burnout", "absent_days", "skill", "workload", "contagion",
                     "contagion_exposure", "training_gain"):
            getattr(staff, name)[seats] = 0.0
        staff.long_absence_weeks_left[seats] = 0
        staff.trained_week[seats] = -1
        staff.promoted[seats] = False

    def _customer_week(self, cfg: ScenarioConfig) -> tuple[np.ndarray, int]:
        """Serve, lose and win customers; returns the seats of churned accounts and the number won."""
        cust, rng = self.customers, self.streams["customers"]
        customers.update_satisfaction(cust, self.staff, cfg.customers, self.account_difficulty, rng)
        churned = customers.draw_churn(cust, cfg.customers, rng)
        churned_seats = cust.account_seat[churned].copy()
        for row in churned:
            self.customer_agents.pop(int(row)).remove()
        cust.active[churned] = False
        cust.agent_id[churned] = -1
        frontline = np.flatnonzero(self.org.frontline)
        won = 0
        if len(frontline):
            csat = float(cust.satisfaction[cust.active].mean()) if cust.active.any() else float("nan")
            won = customers.draw_new_customers(self.starting_book, csat, cfg.customers, rng)
            if won:
                self._open_accounts(frontline[rng.integers(0, len(frontline), won)])
        customers.customer_mood(cust, self.staff, cfg.customers)
        return churned_seats, won

    def _open_accounts(self, seats: np.ndarray) -> None:
        """New customer accounts held by these seats, starting at the reference satisfaction."""
        cust, cfg = self.customers, self.config.customers
        rows = cust.free_rows(len(seats))
        cust.active[rows] = True
        cust.account_seat[rows] = seats
        cust.satisfaction[rows] = cfg.satisfaction_reference
        cust.tenure_weeks[rows] = 0.0
        cust.leniency[rows] = self.streams["customers"].normal(0.0, cfg.customer_mood_sd, len(rows))
        for row in rows:
            agent = Customer(self, int(row))
            self.customer_agents[int(row)] = agent
            cust.agent_id[row] = agent.unique_id


def _steady_state_tenures(config: ScenarioConfig, n: int, rng: np.random.Generator) -> np.ndarray:
    """Tenures (weeks) drawn in proportion to survival under the settled hazards."""
    weeks = np.arange(MAX_TENURE_WEEKS, dtype=np.float64)
    att = config.attrition
    hazard = att.base_quit_rate_per_year / WEEKS_PER_YEAR * attrition.tenure_curve(weeks, att) + att.involuntary_rate_per_year / WEEKS_PER_YEAR
    survival = np.exp(-np.cumsum(hazard))
    return rng.choice(weeks, size=n, p=survival / survival.sum())
