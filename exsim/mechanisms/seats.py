"""People joining and leaving seats: the rare events, written row by row into the state arrays.

Every per-seat column's value for a new hire or a vacant seat is declared in `state.StaffState`;
here only the values drawn per person are set. The roster (the model's Mesa agents and spell
records) hears of each change.
"""

import numpy as np

from exsim.config.departments import at_rows
from exsim.config.schema import Managers, ScenarioConfig
from exsim.mechanisms.common import sigmoid
from exsim.mechanisms.manager_support import draw_manager_quality
from exsim.mechanisms.state import StaffState, World

CARRIED_ON_PROMOTION = ("tenure_weeks", "engagement", "disposition", "resilience", "trust_org", "skill")


def hire(world: World, seats: np.ndarray, cfg: ScenarioConfig, rng: np.random.Generator,
         fit: float, referral_probability: float) -> int:
    """Start a new person in each seat; returns the number hired by referral.

    `fit` shifts the hires' disposition (logit): more applicants to choose from, better fit.
    """
    if len(seats) == 0:
        return 0
    staff, n, cfg = world.staff, len(seats), at_rows(cfg, seats)
    referral = rng.random(n) < referral_probability
    staff.reset(seats, "new")
    staff.hire_week[seats] = world.week
    staff.skill[seats] = cfg.work.new_hire_skill
    staff.referral[seats] = referral
    staff.disposition[seats] = rng.normal(fit, cfg.engagement.disposition_sd, n) + cfg.brand.referral_fit * referral
    staff.resilience[seats] = rng.normal(0.0, cfg.work.resilience_sd, n)
    honeymoon = cfg.engagement.new_hire_boost * cfg.policy.onboarding_quality
    staff.engagement[seats] = sigmoid(cfg.engagement.new_hire_logit + staff.disposition[seats] + honeymoon)
    staff.trust_manager[seats] = cfg.culture.trust
    staff.trust_org[seats] = np.minimum(cfg.culture.trust, 1.0 - cfg.culture.senior_toxicity)
    shift = np.where(cfg.managers.selection == "leadership", cfg.managers.leadership_quality_bonus, 0.0)
    staff.manager_quality[seats] = np.where(
        world.org.is_manager[seats], draw_manager_quality(cfg.managers, n, rng, shift), 0.0)
    world.roster.joined(seats)
    return int(referral.sum())


def vacate(world: World, seats: np.ndarray, reason: str) -> None:
    """The holders of these seats leave (or move up, reason "promoted"): the seats fall vacant."""
    if len(seats) == 0:
        return
    world.roster.leaving(seats, reason)
    world.staff.reset(seats, "vacant")


def promote_into_seats(world: World, manager_seats: np.ndarray, cfg: ScenarioConfig, hiring_rng: np.random.Generator,
                       promotion_rng: np.random.Generator) -> int:
    """Promote a member of each team into its vacant manager seat, all at once; returns how many were promoted.

    `managers.selection` picks the top performer (skill + engagement) or the best-disposed leader;
    the promoted keep their tenure, engagement and personal traits. A team without members in post
    keeps its seat vacant. (Each team's candidates are its own members, so the promotions are independent.)
    """
    staff = world.staff
    picks = [(seat, person) for seat in manager_seats if (person := best_candidate(world, int(seat), cfg)) >= 0]
    if not picks:
        return 0
    seats, people = (np.array(column, dtype=np.int64) for column in zip(*picks))
    managers = at_rows(cfg, seats).managers
    top = managers.selection == "top_performer"
    carried = {name: getattr(staff, name)[people] for name in (*CARRIED_ON_PROMOTION, "hire_week")}
    vacate(world, people, "promoted")
    hire(world, seats, cfg, hiring_rng, 0.0, 0.0)
    for name, values in carried.items():
        getattr(staff, name)[seats] = values
    staff.manager_quality[seats] = promoted_quality(managers, len(seats), promotion_rng, top)
    staff.promoted[seats] = top
    return len(seats)


def best_candidate(world: World, manager_seat: int, cfg: ScenarioConfig) -> int:
    """The team member `managers.selection` would promote into `manager_seat` (-1 when nobody is in post)."""
    staff, org = world.staff, world.org
    members = org.team_members(manager_seat)
    members = members[staff.occupied[members] & ~org.is_manager[members]]
    if len(members) == 0:
        return -1
    top = at_rows(cfg, manager_seat).managers.selection == "top_performer"
    return int(members[np.argmax(promotion_score(staff, members, top))])


def promotion_score(staff: StaffState, seats: np.ndarray, top_performer: bool | np.ndarray) -> np.ndarray:
    """How `managers.selection` ranks candidates for a manager seat (higher first): skill + engagement for the top
    performer, disposition for leadership."""
    if np.ndim(top_performer) == 0:
        return staff.skill[seats] + staff.engagement[seats] if top_performer else staff.disposition[seats]
    return np.where(top_performer, staff.skill[seats] + staff.engagement[seats], staff.disposition[seats])


def promoted_quality(managers: Managers, n: int, rng: np.random.Generator,
                     top_performer: bool | np.ndarray) -> np.ndarray:
    """Behaviour quality of staff promoted to manager: a top performer's penalty, or selection's bonus."""
    shift = np.where(top_performer, -managers.top_performer_quality_penalty, managers.leadership_quality_bonus)
    return draw_manager_quality(managers, n, rng, shift if np.ndim(shift) else float(shift))
