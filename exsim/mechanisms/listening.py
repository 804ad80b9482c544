"""Listening: pulse surveys; followed-up surveys build trust, ignored ones cost more than not asking (F14)."""

import numpy as np

from exsim.config.schema import Listening, ScenarioConfig
from exsim.config.timebase import WEEKS_PER_YEAR
from exsim.mechanisms.state import StaffState, World
from exsim.mechanisms.trust import programme_strength
from exsim.org import OrgStructure


def listen(world: World, cfg: ScenarioConfig, rng: np.random.Generator) -> None:
    """Listening: pulse surveys when due and their follow-up (or not); the survey's trust credit per seat."""
    listening, credit = cfg.listening, world.team_trust_credit
    fade_trust_credit(credit, listening)
    if is_survey_week(world.week, listening):
        followed = run_survey(world.org, listening, credit, programme_strength(cfg.culture), rng)
        world.events.spend("cost_programmes", float(world.staff.occupied.sum() * cfg.costs.survey_eur_per_employee
                                                    + followed * cfg.costs.follow_up_eur_per_team))
    world.staff.trust_credit[:] = seat_trust_credit(world.org, world.staff, credit)


def is_survey_week(week: int, listening: Listening) -> bool:
    """Surveys fall every 52 / surveys_per_year weeks (none when the cadence is 0)."""
    if listening.surveys_per_year <= 0 or week < 1:
        return False
    interval = max(int(round(WEEKS_PER_YEAR / listening.surveys_per_year)), 1)
    return week % interval == 0


def run_survey(org: OrgStructure, listening: Listening, team_trust_credit: np.ndarray,
               programme_strength: float, rng: np.random.Generator) -> int:
    """Each team's manager follows up or not; trust credit moves accordingly. Returns teams followed up."""
    followed = rng.random(org.n_teams) < listening.follow_up_rate
    team_trust_credit += np.where(followed, listening.follow_up_trust_gain * programme_strength,
                                  -listening.ignored_trust_loss)
    np.clip(team_trust_credit, -listening.max_trust_credit, listening.max_trust_credit, out=team_trust_credit)
    return int(followed.sum())


def fade_trust_credit(team_trust_credit: np.ndarray, listening: Listening) -> None:
    """People slowly forget what happened after past surveys."""
    team_trust_credit *= np.exp(-1.0 / listening.memory_weeks)


def seat_trust_credit(org: OrgStructure, staff: StaffState, team_trust_credit: np.ndarray) -> np.ndarray:
    """Each seat's share of its team's survey credit (managers feel their own team's)."""
    credit = team_trust_credit[np.maximum(org.team_of, 0)] * (org.team_of >= 0)
    leaders = org.team_leader
    credit[leaders] = team_trust_credit
    return credit
