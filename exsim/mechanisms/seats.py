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


def promote_into(world: World, manager_seat: int, cfg: ScenarioConfig, hiring_rng: np.random.Generator,
                 promotion_rng: np.random.Generator) -> int:
    """Promote a member of the team into its vacant manager seat; returns 1 if someone was promoted.

    `managers.selection` picks the top performer (skill + engagement) or the best-disposed leader;
    the promoted person keeps their tenure, engagement and personal traits.
    """
    staff, org = world.staff, world.org
    members = org.team_members(manager_seat)
    members = members[staff.occupied[members] & ~org.is_manager[members]]
    if len(members) == 0:
        return 0
    seat_cfg = at_rows(cfg, manager_seat)
    top = seat_cfg.managers.selection == "top_performer"
    person = int(members[np.argmax(promotion_score(staff, members, top))])
    carried = {name: getattr(staff, name)[person] for name in CARRIED_ON_PROMOTION}
    hire_week = staff.hire_week[person]
    vacate(world, np.array([person]), "promoted")
    hire(world, np.array([manager_seat]), cfg, hiring_rng, 0.0, 0.0)
    for name, value in carried.items():
        getattr(staff, name)[manager_seat] = value
    staff.hire_week[manager_seat] = hire_week
    staff.manager_quality[manager_seat] = promoted_quality(seat_cfg.managers, 1, promotion_rng, top)[0]
    staff.promoted[manager_seat] = top
    return 1


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
