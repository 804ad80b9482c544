"""A plain per-agent Mesa model of exsim's weekly update: the reference `exsim bench --compare-mesa` measures.

Plain Mesa: every employee and every customer account is a `mesa.Agent` holding its state in Python
attributes; the week calls one method per phase on every agent (`AgentSet.do`), and the agent
updates itself with Python arithmetic (`math`, `model.random`), reading its teammates, its peers
and its team through Python lists. A quit removes the agent; a hire creates one; a churned account
removes its agent and a new account creates one. This is how the model would be written without
exsim's arrays, and it is what exsim's employee-weeks per second are compared with. The phases are
staged (one `AgentSet.do` per phase over all agents) so that, as in exsim, everyone reads last
week's values of their peers; one shuffled `step()` per agent would be cheaper but a different model.

It starts from exsim's own day-one state (`day_one_state(OrgModel(...))`: the same org, the same
people, the same accounts) and follows exsim's equations (exsim/mechanisms/) for the main phases,
in exsim's order:

- workload: team demand over the capacity present, a manager's load growing with the span;
- manager support: behaviour quality x attention (span, overload squeeze, absence, burnout),
  interim cover of a vacant manager seat by the manager's manager;
- trust in the manager and in the organisation relaxing toward support and the climate;
- peers: help and teammates' engagement over each person's peer ties;
- strain (job demands-resources: overload, promoted untrained managers, unhappy customers) and
  burnout building above its threshold;
- engagement relaxing toward its drivers, with contagion from peers;
- absence: long spells continuing or starting, short spells, burnout raising both;
- vacancies filled at the time-to-fill rate, chosen before this week's exits;
- exits: each person's quit hazard (tenure curve x engagement and strain x contagion x market,
  capped per person and on average), involuntary exits; a quit shocks the teammates (and a
  manager's the team they led);
- new hires (disposition, resilience, engagement, trust, a manager's quality drawn as exsim
  draws them), skill ramping up, contagion felt, tenure;
- customers: each account served at the interaction rate moves its satisfaction toward the
  quality its seat gives (engagement, skill, strain, continuity; the account's difficulty and
  leniency), churns at its hazard; word of mouth wins new accounts at random frontline seats;
  each seat's customer mood is the mean satisfaction of its accounts.

Left out (held at their day-one values, or not computed): interventions and programmes (so no
change fatigue), manager training, listening surveys (each seat's trust credit held), growth and
perks (held per seat), money (no finance phase), the employer brand (reputation, applicants and
hire fit held at day one), internal promotions (every vacancy is filled from outside), referral
hires, the recorder (nothing is recorded), and per-department parameters (the organisation-wide
values are used). So it does less each week than exsim does; exsim's multiple of it is, if
anything, understated.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import mesa
import numpy as np

from exsim.config.schema import ScenarioConfig
from exsim.config.timebase import WEEKS_PER_YEAR
from exsim.mechanisms import brand, hiring
from exsim.mechanisms.contagion import REFERENCE_TEAM_SIZE, kernel_mean
from exsim.mechanisms.manager_support import OVERLOAD_CORNER_WIDTH, behaviour_level
from exsim.mechanisms.workload import MAX_WORKLOAD, MIN_SPAN_FACTOR

STAFF_COLUMNS = (
    "tenure_weeks", "skill", "referral", "disposition", "resilience", "engagement", "trust_manager", "trust_org",
    "strain", "burnout", "absent_days", "absent_days_total", "long_absence_weeks_left", "contagion",
    "contagion_exposure", "trained_week", "promoted", "manager_quality", "training_gain", "workload", "support",
    "peer_help", "peer_engagement", "growth", "perk_effect", "customer_mood", "trust_credit",
)
CUSTOMER_COLUMNS = ("account_seat", "satisfaction", "opened_week", "leniency")


@dataclass
class DayOne:
    """exsim's state on day one as plain Python lists: the org, each seat's person, each open account."""

    team_of: list[int]  # seat -> team (the seat of its manager), -1 for the top seat
    manager_of: list[int]  # seat -> the seat of its manager, -1 for the top seat
    team_leader: list[int]  # team -> the seat that leads it
    team_size: list[int]  # team -> seats in it
    frontline: list[int]  # seats that serve customer accounts
    peers: list[list[int]]  # seat -> the seats it has peer ties with
    team_demand: list[float]  # team -> demand factor
    account_difficulty: list[float]  # seat -> difficulty of its accounts (logit)
    staff: dict[str, list]  # column -> value per seat (STAFF_COLUMNS); occupied seats only are used
    occupied: list[bool]
    customers: dict[str, list]  # column -> value per open account (CUSTOMER_COLUMNS)
    starting_book: int  # open accounts on day one: the base for new business
    reputation: float  # the employer's reputation (held)


def day_one_state(model) -> DayOne:
    """Copy an exsim OrgModel's state (built with burn_in_weeks=0) into plain lists for `ReferenceModel`."""
    org, staff, cust, world = model.org, model.staff, model.customers, model.world
    ties = org.peer_ties.tocsr()
    active = np.flatnonzero(cust.active)
    return DayOne(
        team_of=org.team_of.tolist(), manager_of=org.manager_of.tolist(), team_leader=org.team_leader.tolist(),
        team_size=org.team_sizes().tolist(), frontline=np.flatnonzero(org.frontline).tolist(),
        peers=[ties.indices[ties.indptr[s]:ties.indptr[s + 1]].tolist() for s in range(org.n_seats)],
        team_demand=world.team_demand.tolist(), account_difficulty=world.account_difficulty.tolist(),
        staff={name: getattr(staff, name).tolist() for name in STAFF_COLUMNS}, occupied=staff.occupied.tolist(),
        customers={name: getattr(cust, name)[active].tolist() for name in CUSTOMER_COLUMNS},
        starting_book=int(world.starting_book.sum()), reputation=float(world.reputation),
    )


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x)) if x > -700.0 else 0.0


def _saturating(log_effect: float, ceiling: float) -> float:
    """exsim.mechanisms.common.saturating_multiplier for one number."""
    log_ceiling = math.log(max(ceiling, 1.0 + 1e-9))
    u = log_effect / log_ceiling
    return math.exp(log_ceiling * u / math.sqrt(1.0 + u * u))


def _weekly_probability(rate: float) -> float:
    return -math.expm1(-rate)


def _relax_factor(time_constant_weeks: float) -> float:
    return 1.0 - math.exp(-1.0 / time_constant_weeks)


def _geometric(rng, p: float) -> int:
    """Trials to the first success (numpy's geometric), drawn from one uniform."""
    if p >= 1.0:
        return 1
    return max(1, math.ceil(math.log(1.0 - rng.random()) / math.log1p(-p)))


class Employee(mesa.Agent):
    """A person in a seat (a manager leads the team numbered by their seat); one method per phase of the week."""

    def __init__(self, model: ReferenceModel, seat: int, state: dict):
        super().__init__(model)
        self.seat = seat
        self.team = model.team_of[seat]
        self.leads = seat if model.is_manager[seat] else -1
        self.__dict__.update(state)
        self.hazard = 0.0
        self.service = 0.0

    # ---- helpers ---------------------------------------------------------------------------
    def present_share(self) -> float:
        return 1.0 - self.absent_days / 5.0

    # ---- the phases ------------------------------------------------------------------------
    def take_team_values(self) -> None:
        """Workload and support from the team phase (a manager carries the load of the team they lead)."""
        m = self.model
        team = self.team
        if self.leads >= 0:
            self.workload = m.leader_load[self.leads]
        else:
            self.workload = m.team_load[team if team >= 0 else 0]
        self.support = m.team_support[team] if team >= 0 else m.top_support

    def update_trust(self) -> None:
        m = self.model
        k = m.k_trust
        self.trust_manager += (self.support - self.trust_manager) * k
        target = min(max(m.culture.trust + self.trust_credit, 0.0), 1.0 - m.culture.senior_toxicity)
        self.trust_org += (target - self.trust_org) * k

    def look_at_peers(self) -> None:
        """Help and mean engagement of the peers present (their values of last week)."""
        holder = self.model.seat_holder
        n_present = spare = engaged = 0.0
        for seat in self.model.peers[self.seat]:
            peer = holder[seat]
            if peer is None:
                continue
            present = 1.0 - peer.absent_days / 5.0
            n_present += present
            spare += present * (1.0 - peer.strain)
            engaged += present * peer.engagement
        if n_present > 0:
            self.peer_help = self.model.culture.peer_help * spare / n_present
            self.peer_engagement = engaged / n_present
        else:
            self.peer_help = 0.0
            self.peer_engagement = self.engagement

    def update_strain_and_burnout(self) -> None:
        m = self.model
        work = m.work
        extra = m.unhappy_customer_strain * max(m.satisfaction_reference - self.customer_mood, 0.0)
        if self.promoted and self.trained_week < 0:
            extra += m.promoted_strain
        resources = (self.support + self.peer_help + self.trust_org) / 3.0
        index = (work.base_strain + work.overload_strain * (self.workload - 1.0)
                 - work.resource_relief * (resources - 0.5) - self.resilience + extra)
        target = _sigmoid(index) * (1.0 - self.absent_days / 5.0)
        self.strain += (target - self.strain) * m.k_strain
        excess = self.strain - work.burnout_threshold
        if excess >= 0:
            self.burnout = min(self.burnout + work.burnout_gain * excess, 1.0)
        else:
            self.burnout = max(self.burnout - work.burnout_recovery * self.burnout, 0.0)

    def update_engagement(self) -> None:
        m = self.model
        eng = m.engagement
        index = (m.engagement_constant
                 + eng.manager_support * self.support
                 + eng.trust_manager * self.trust_manager
                 + eng.trust_org * self.trust_org
                 + eng.peer_support * self.peer_help
                 + eng.growth * (self.growth - 0.5)
                 + eng.customer_pride * (self.customer_mood - m.satisfaction_reference)
                 + self.perk_effect + self.disposition)
        moved = self.engagement + (_sigmoid(index) - self.engagement) * m.k_engagement
        moved += m.culture.contagion * (self.peer_engagement - moved)
        self.engagement = min(max(moved, 0.0), 1.0)

    def update_absence(self) -> None:
        m, absence, rng = self.model, self.model.absence, self.model.random
        self.long_absence_weeks_left = max(self.long_absence_weeks_left - 1, 0)
        short_days = 0
        if self.long_absence_weeks_left == 0:
            risk = _saturating(absence.burnout_effect * self.burnout, absence.max_burnout_multiplier)
            if rng.random() < _weekly_probability(m.long_spell_rate * risk):
                self.long_absence_weeks_left = _geometric(rng, 1.0 / absence.long_spell_weeks)
            elif rng.random() < _weekly_probability(m.short_spell_rate * math.sqrt(risk)):
                short_days = min(_geometric(rng, 1.0 / absence.short_spell_days), 5)
        self.absent_days = 5.0 if self.long_absence_weeks_left > 0 else float(short_days)
        self.absent_days_total += self.absent_days

    def quit_hazard(self) -> None:
        """This week's voluntary quit rate, capped per person (the model scales the mean to its cap)."""
        m = self.model
        att = m.attrition
        drivers = (att.engagement_effect * (att.engagement_reference - self.engagement)
                   + att.strain_effect * (self.strain - att.strain_reference))
        if self.tenure_weeks < att.onboarding_weeks:
            drivers -= att.onboarding_effect * (m.policy.onboarding_quality - 0.5)
        x = self.tenure_weeks / att.tenure_peak_weeks
        tenure = ((att.start_multiplier + (1.0 - att.start_multiplier) * -math.expm1(-x))
                  * (1.0 + att.early_peak_multiplier * x * math.exp(1.0 - x))
                  * (att.late_multiplier + (1.0 - att.late_multiplier) * math.exp(-self.tenure_weeks / att.late_decline_weeks)))
        hazard = (m.base_quit_rate * tenure * _saturating(drivers, att.max_driver_multiplier) * (1.0 + self.contagion)
                  * (att.referral_hazard_ratio if self.referral else 1.0) * m.market_factor)
        self.hazard = min(hazard, m.person_hazard_cap)

    def draw_exit(self) -> None:
        m, rng = self.model, self.model.random
        if rng.random() < _weekly_probability(self.hazard * m.hazard_scale):
            m.quits.append(self)
        elif rng.random() < m.involuntary_probability:
            m.involuntary.append(self)

    def after_hiring(self) -> None:
        """Skill ramps up, recent quits are felt, a week older."""
        m = self.model
        self.skill += (1.0 - self.skill) * m.k_ramp
        rate = m.contagion_rate
        self.contagion += rate * (math.e * self.contagion_exposure - self.contagion)
        self.contagion_exposure *= 1.0 - rate
        self.tenure_weeks += 1.0

    def prepare_service(self) -> None:
        """The service-quality index (logit) this person gives their accounts this week."""
        c = self.model.cust
        present = 1.0 - self.absent_days / 5.0
        new_contact = min(max(1.0 - self.tenure_weeks / max(c.continuity_weeks, 1e-9), 0.0), 1.0)
        discontinuity = 1.0 - present * (1.0 - new_contact)
        self.service = (c.base_quality + c.engagement_effect * (self.engagement - c.engagement_reference)
                        + c.skill_effect * (self.skill - 1.0) - c.strain_effect * self.strain
                        - c.discontinuity_penalty * discontinuity)

    def read_customer_mood(self) -> None:
        self.customer_mood = self.model.seat_mood[self.seat]


class Customer(mesa.Agent):
    """A customer account served by the person in `seat` (or by nobody while the seat is vacant)."""

    def __init__(self, model: ReferenceModel, seat: int, satisfaction: float, opened_week: int, leniency: float):
        super().__init__(model)
        self.seat, self.satisfaction, self.opened_week, self.leniency = seat, satisfaction, opened_week, leniency

    def step(self) -> None:
        """Served or not this week; satisfaction toward the quality got; churn at its hazard."""
        m, c, rng = self.model, self.model.cust, self.model.random
        if rng.random() < c.interactions_per_week:
            holder = m.seat_holder[self.seat]
            service = holder.service if holder is not None else m.vacant_service
            quality = _sigmoid(service - m.account_difficulty[self.seat] + self.leniency)
            self.satisfaction += (quality - self.satisfaction) * m.k_satisfaction
        hazard = m.churn_base * math.exp(c.churn_sensitivity * (c.satisfaction_reference - self.satisfaction))
        if rng.random() < _weekly_probability(hazard):
            m.churned.append(self)

    def report_to_seat(self) -> None:
        m = self.model
        m.seat_sum[self.seat] += self.satisfaction
        m.seat_count[self.seat] += 1


class ReferenceModel(mesa.Model):
    """The plain per-agent Mesa model (see the module docstring); `step()` is one week."""

    def __init__(self, state: DayOne, config: ScenarioConfig, seed: int = 1):
        super().__init__(rng=seed)
        self.week = 0
        self._constants(config, state.reputation)
        self.team_of, self.manager_of, self.team_leader = state.team_of, state.manager_of, state.team_leader
        self.team_size, self.peers, self.frontline = state.team_size, state.peers, state.frontline
        self.team_demand, self.account_difficulty = state.team_demand, state.account_difficulty
        self.starting_book = state.starting_book
        n_seats, n_teams = len(state.team_of), len(state.team_leader)
        self.is_manager = [False] * n_seats
        for seat in state.team_leader:
            self.is_manager[seat] = True
        self.members: list[list[int]] = [[] for _ in range(n_teams)]
        for seat, team in enumerate(state.team_of):
            if team >= 0:
                self.members[team].append(seat)
        self.team_load = [0.0] * n_teams
        self.leader_load = [0.0] * n_seats
        self.team_support = [0.0] * n_teams
        self.seat_holder: list[Employee | None] = [None] * n_seats
        columns = state.staff
        for seat in range(n_seats):
            if state.occupied[seat]:
                self.seat_holder[seat] = Employee(self, seat, {name: columns[name][seat] for name in STAFF_COLUMNS})
        # values a new holder of a seat keeps from the seat (held per seat in this reference)
        self.seat_mood = list(columns["customer_mood"])
        self.seat_growth, self.seat_perks = list(columns["growth"]), list(columns["perk_effect"])
        self.seat_trust_credit = list(columns["trust_credit"])
        accounts = state.customers
        for seat, satisfaction, opened, leniency in zip(accounts["account_seat"], accounts["satisfaction"],
                                                        accounts["opened_week"], accounts["leniency"]):
            Customer(self, seat, satisfaction, opened, leniency)
        self.quits: list[Employee] = []
        self.involuntary: list[Employee] = []
        self.churned: list[Customer] = []

    def _constants(self, cfg: ScenarioConfig, reputation: float) -> None:
        """The organisation-wide parameters, and the values this reference holds fixed, as plain numbers."""
        self.work, self.culture, self.engagement, self.absence = cfg.work, cfg.culture, cfg.engagement, cfg.absence
        self.attrition, self.policy, self.managers, self.cust = cfg.attrition, cfg.policy, cfg.managers, cfg.customers
        eng, att = cfg.engagement, cfg.attrition
        fairness = eng.fairness_pay_weight * cfg.policy.pay_fairness + (1.0 - eng.fairness_pay_weight) * cfg.policy.recognition
        self.engagement_constant = (eng.intercept + eng.fairness * (fairness - 0.5) + eng.pay_level * math.log(cfg.policy.pay_level)
                                    + eng.purpose * (cfg.culture.purpose - 0.5))
        self.k_trust = _relax_factor(cfg.culture.trust_time_constant_weeks)
        self.k_strain = _relax_factor(cfg.work.strain_time_constant_weeks)
        self.k_engagement = _relax_factor(eng.time_constant_weeks)
        self.k_satisfaction = _relax_factor(cfg.customers.satisfaction_time_constant_weeks)
        self.k_ramp = _relax_factor(cfg.work.ramp_weeks / (hiring.RAMP_SPEED_WITHOUT_ONBOARDING + cfg.policy.onboarding_quality))
        self.satisfaction_reference = cfg.customers.satisfaction_reference
        self.unhappy_customer_strain = cfg.customers.unhappy_customer_strain
        self.promoted_strain = cfg.managers.promoted_strain
        self.long_spell_rate = cfg.absence.long_spells_per_year / WEEKS_PER_YEAR
        self.short_spell_rate = cfg.absence.short_spells_per_year / WEEKS_PER_YEAR
        self.base_quit_rate = att.base_quit_rate_per_year / WEEKS_PER_YEAR
        self.market_factor = cfg.market.tightness ** cfg.market.quit_elasticity
        self.person_hazard_cap = att.max_quit_rate_per_year / WEEKS_PER_YEAR
        self.mean_hazard_cap = att.max_mean_quit_rate_per_year / WEEKS_PER_YEAR
        self.involuntary_probability = _weekly_probability(att.involuntary_rate_per_year / WEEKS_PER_YEAR)
        self.contagion_rate = 1.0 / att.contagion_peak_weeks
        self.contagion_peak = att.contagion_lift / kernel_mean(att.contagion_peak_weeks)
        self.top_support = behaviour_level(cfg.managers)
        self.behaviour = behaviour_level(cfg.managers)
        applicants = brand.applicants_per_vacancy(reputation, cfg.brand)
        self.hire_fit = brand.hire_fit(applicants, cfg.brand)
        mean_weeks = hiring.time_to_fill_weeks(cfg.policy, cfg.market, applicants, cfg.brand.applicants_per_vacancy)
        self.fill_probability = _weekly_probability(1.0 / mean_weeks) if cfg.policy.refill_vacancies else 0.0
        c = cfg.customers
        self.vacant_service = c.base_quality - c.discontinuity_penalty - c.vacant_seat_penalty
        self.churn_base = c.base_churn_per_year / WEEKS_PER_YEAR
        self.hazard_scale = 1.0

    # ---- the week --------------------------------------------------------------------------
    def step(self) -> None:
        """One week, in exsim's phase order."""
        self.week += 1
        staff = self.agents_by_type[Employee]
        self.team_phase()
        staff.do("take_team_values")
        staff.do("update_trust")
        staff.do("look_at_peers")
        staff.do("update_strain_and_burnout")
        staff.do("update_engagement")
        staff.do("update_absence")
        fills = [seat for seat, holder in enumerate(self.seat_holder)
                 if holder is None and self.random.random() < self.fill_probability]
        self.exits_phase(staff)
        for seat in fills:
            self.hire(seat)
        self.agents_by_type[Employee].do("after_hiring")
        self.customer_phase()

    def team_phase(self) -> None:
        """Each team's workload and its manager's support (with interim cover of a vacant manager seat)."""
        work, managers, holder = self.work, self.managers, self.seat_holder
        floor = managers.min_people_time_share
        own = [0.0] * len(self.team_leader)
        reports = [0] * len(self.team_leader)
        for team, members in enumerate(self.members):
            capacity = 0.0
            for seat in members:
                person = holder[seat]
                if person is not None:
                    capacity += (1.0 - person.absent_days / 5.0) * person.skill
                    reports[team] += 1
            size = self.team_size[team]
            gap = 1.0 - capacity / max(size, 1)
            felt = 1.0 - (1.0 - work.gap_absorbed) * gap
            load = min(work.workload * self.team_demand[team] / max(felt, 1e-9), MAX_WORKLOAD)
            self.team_load[team] = load
            span = max(1.0 + managers.load_per_extra_report * (size - managers.reference_span), MIN_SPAN_FACTOR)
            self.leader_load[self.team_leader[team]] = min(load * span, MAX_WORKLOAD)
        to_lead = list(reports)
        for team, leader in enumerate(self.team_leader):
            covering = self.manager_of[leader]
            if holder[leader] is None and covering >= 0:
                to_lead[covering] += reports[team]  # team ids are their managers' seats
        for team, leader in enumerate(self.team_leader):
            manager = holder[leader]
            if manager is None:
                continue
            overload = OVERLOAD_CORNER_WIDTH * math.log1p(math.exp((manager.workload - 1.0) / OVERLOAD_CORNER_WIDTH)) \
                if manager.workload - 1.0 < 30 * OVERLOAD_CORNER_WIDTH else manager.workload - 1.0
            squeeze = floor + (1.0 - floor) * math.exp(-managers.overload_squeeze * overload)
            hours = managers.hours_for_people * squeeze / max(to_lead[team], 1)
            attention = hours / (hours + managers.attention_scale_hours)
            quality = min(max(manager.manager_quality + manager.training_gain, 0.0), 1.0)
            present = 1.0 - manager.absent_days / 5.0
            own[team] = (quality * attention * (1.0 - managers.burnout_support_loss * manager.burnout)
                         * (managers.absent_support_share + (1.0 - managers.absent_support_share) * present))
        for team, leader in enumerate(self.team_leader):
            if holder[leader] is not None:
                self.team_support[team] = own[team]
                continue
            covering = self.manager_of[leader]
            if covering >= 0 and holder[covering] is not None:
                self.team_support[team] = managers.interim_cover_share * own[covering]
            else:
                self.team_support[team] = managers.interim_support

    def exits_phase(self, staff) -> None:
        """Quits at each person's hazard (the mean capped), involuntary exits; teammates shaken; agents removed."""
        staff.do("quit_hazard")
        total = sum(staff.get("hazard"))
        heads = len(staff)
        self.hazard_scale = min(1.0, self.mean_hazard_cap * heads / total) if heads and total > 0 else 1.0
        self.quits, self.involuntary = [], []
        staff.do("draw_exit")
        att = self.attrition
        shocks: dict[int, float] = {}
        for person in self.quits:
            if person.team >= 0:
                shocks[person.team] = shocks.get(person.team, 0.0) + 1.0
            if person.leads >= 0:
                shocks[person.leads] = shocks.get(person.leads, 0.0) + att.manager_exit_contagion
        for person in self.quits + self.involuntary:
            self.seat_holder[person.seat] = None
            person.remove()
        for team, count in shocks.items():
            size = max(self.team_size[team], 1)
            per_quit = self.contagion_peak * (size / REFERENCE_TEAM_SIZE) ** -att.contagion_size_exponent
            for seat in self.members[team]:
                person = self.seat_holder[seat]
                if person is not None:
                    person.contagion_exposure += count * per_quit

    def hire(self, seat: int) -> Employee:
        """A new person in the seat, drawn as exsim draws a hire from outside."""
        rng, eng, work, culture, managers = self.random, self.engagement, self.work, self.culture, self.managers
        disposition = rng.gauss(self.hire_fit, eng.disposition_sd)
        quality = 0.0
        if self.is_manager[seat]:
            shift = managers.leadership_quality_bonus if managers.selection == "leadership" else 0.0
            quality = min(max(self.behaviour + shift + rng.gauss(0.0, managers.quality_sd), 0.0), 1.0)
        state = {
            "tenure_weeks": 0.0, "skill": work.new_hire_skill, "referral": False, "disposition": disposition,
            "resilience": rng.gauss(0.0, work.resilience_sd),
            "engagement": _sigmoid(eng.new_hire_logit + disposition + eng.new_hire_boost * self.policy.onboarding_quality),
            "trust_manager": culture.trust, "trust_org": min(culture.trust, 1.0 - culture.senior_toxicity),
            "strain": 0.2, "burnout": 0.0, "absent_days": 0.0, "absent_days_total": 0.0,
            "long_absence_weeks_left": 0, "contagion": 0.0, "contagion_exposure": 0.0, "trained_week": -1,
            "promoted": False, "manager_quality": quality, "training_gain": 0.0, "workload": 1.0, "support": 0.0,
            "peer_help": 0.0, "peer_engagement": 0.0, "growth": self.seat_growth[seat], "perk_effect": self.seat_perks[seat],
            "customer_mood": self.seat_mood[seat], "trust_credit": self.seat_trust_credit[seat],
        }
        person = Employee(self, seat, state)
        self.seat_holder[seat] = person
        return person

    def customer_phase(self) -> None:
        """Accounts served and churned; new accounts won by word of mouth; each seat's customer mood."""
        self.agents_by_type[Employee].do("prepare_service")
        self.churned = []
        self._accounts().do("step")
        for account in self.churned:
            account.remove()
        c = self.cust
        satisfaction = self._accounts().get("satisfaction")
        csat = sum(satisfaction) / len(satisfaction) if satisfaction else c.satisfaction_reference
        word_of_mouth = math.exp(c.word_of_mouth * (csat - c.satisfaction_reference))
        if self.frontline:
            for _ in range(int(self.rng.poisson(c.acquisition_per_year / WEEKS_PER_YEAR * self.starting_book * word_of_mouth))):
                seat = self.frontline[self.random.randrange(len(self.frontline))]
                Customer(self, seat, c.satisfaction_reference, self.week, self.random.gauss(0.0, c.customer_mood_sd))
        n_seats = len(self.seat_holder)
        self.seat_sum, self.seat_count = [0.0] * n_seats, [0] * n_seats
        self._accounts().do("report_to_seat")
        self.seat_mood = [total / count if count else c.satisfaction_reference
                          for total, count in zip(self.seat_sum, self.seat_count)]
        self.agents_by_type[Employee].do("read_customer_mood")

    def _accounts(self) -> mesa.agent.AgentSet:
        """The Customer agents (an empty set when there are none)."""
        return self.agents_by_type.get(Customer, mesa.agent.AgentSet([], random=self.random))

    # ---- what the bench and tests read -----------------------------------------------------
    @property
    def employees(self) -> int:
        """People in post."""
        return len(self.agents_by_type[Employee])

    @property
    def customers(self) -> int:
        """Open accounts."""
        return len(self._accounts())

    def mean(self, column: str) -> float:
        """Mean of an employee attribute over the people in post."""
        values = self.agents_by_type[Employee].get(column)
        return sum(values) / len(values)
