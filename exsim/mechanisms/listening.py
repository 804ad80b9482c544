"""Listening: pulse surveys; followed-up surveys build trust, ignored ones cost more than not asking (F14)."""

import numpy as np

from exsim.config.departments import at_rows
from exsim.config.schema import Listening, ScenarioConfig
from exsim.config.timebase import WEEKS_PER_YEAR
from exsim.mechanisms.common import total
from exsim.mechanisms.state import StaffState, World
from exsim.mechanisms.trust import programme_strength
from exsim.org import OrgStructure


def listen(world: World, cfg: ScenarioConfig, rng: np.random.Generator) -> None:
    """Listening: pulse surveys when due and their follow-up (or not); the survey's trust credit per seat."""
    org, staff, credit = world.org, world.staff, world.team_trust_credit
    teams = at_rows(cfg, org.team_leader)
    fade_trust_credit(credit, teams.listening)
    due = is_survey_week(world.week, teams.listening)
    if np.any(due):
        followed = run_survey(org, teams.listening, credit, programme_strength(teams.culture), rng, due)
        surveyed = staff.occupied & is_survey_week(world.week, cfg.listening)
        survey_eur, follow_up_eur = cfg.costs.survey_eur_per_employee, teams.costs.follow_up_eur_per_team
        per_seat = surveyed * survey_eur + np.bincount(org.team_leader, weights=followed * follow_up_eur,
                                                       minlength=org.n_seats) if world.events.by_department else 0.0
        world.events.spend("cost_programmes", float(total(surveyed, survey_eur) + total(followed, follow_up_eur)),
                           per_seat)
    world.staff.trust_credit[:] = seat_trust_credit(world.org, world.staff, credit)


def is_survey_week(week: int, listening: Listening) -> bool | np.ndarray:
    """Surveys fall every 52 / surveys_per_year weeks (none when the cadence is 0); per row when departments differ."""
    if not isinstance(listening.surveys_per_year, np.ndarray):  # one cadence for the whole organisation
        if listening.surveys_per_year <= 0 or week < 1:
            return False
        return week % max(int(round(WEEKS_PER_YEAR / listening.surveys_per_year)), 1) == 0
    per_year = listening.surveys_per_year.astype(np.float64)
    with np.errstate(divide="ignore"):
        interval = np.maximum(np.round(WEEKS_PER_YEAR / np.where(per_year > 0, per_year, np.inf)), 1)
    due = (per_year > 0) & (week >= 1) & (week % interval == 0)
    return bool(due) if due.ndim == 0 else due


def run_survey(org: OrgStructure, listening: Listening, team_trust_credit: np.ndarray,
               programme_strength: float, rng: np.random.Generator, due: bool | np.ndarray = True) -> np.ndarray:
    """In the teams surveyed (`due`), the manager follows up or not; trust credit moves. Returns who followed up."""
    followed = (rng.random(org.n_teams) < listening.follow_up_rate) & due
    moved = np.where(followed, listening.follow_up_trust_gain * programme_strength, -listening.ignored_trust_loss)
    team_trust_credit += np.where(due, moved, 0.0)
    np.clip(team_trust_credit, -listening.max_trust_credit, listening.max_trust_credit, out=team_trust_credit)
    return followed


def fade_trust_credit(team_trust_credit: np.ndarray, listening: Listening) -> None:
    """People slowly forget what happened after past surveys."""
    team_trust_credit *= np.exp(-1.0 / listening.memory_weeks)


def seat_trust_credit(org: OrgStructure, staff: StaffState, team_trust_credit: np.ndarray) -> np.ndarray:
    """Each seat's share of its team's survey credit (managers feel their own team's)."""
    credit = team_trust_credit[np.maximum(org.team_of, 0)] * (org.team_of >= 0)
    leaders = org.team_leader
    credit[leaders] = team_trust_credit
    return credit
