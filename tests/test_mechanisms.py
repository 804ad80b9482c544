"""Each mechanism of the causal model pinned to its documented direction."""

import numpy as np
import pytest

from exsim import OrgModel, load_config
from exsim.config.schema import Attrition, Brand, Training
from exsim.interventions import Schedule, concurrent_changes, fatigue_dilution
from exsim.mechanisms import brand, contagion, customers, engagement, hiring, manager_support, training
from exsim.mechanisms.drivers import fairness
from exsim.mechanisms.burnout import extra_strain
from exsim.mechanisms.state import StaffState
from tests.conftest import mean_kpis, run_small


def test_training_gain_builds_over_months_then_fades():
    cfg = Training(share=1.0, behaviour_gain=0.2, months_to_effect=6, fade_months=24)
    staff = StaffState.empty(1)
    staff.trained_week[:] = 0
    gains = [training.training_gain(staff.trained_week, week, cfg)[0] for week in (0, 13, 26, 52, 260)]
    assert gains[0] == 0 and 0.08 < gains[1] < 0.12  # half-way at 3 of 6 months
    assert gains[2] == pytest.approx(0.2, abs=0.005)  # full effect after 6 months
    assert gains[3] < gains[2] and gains[4] < 0.05  # fades without practice
    staff.trained_week[:] = -1
    assert training.training_gain(staff.trained_week, 52, cfg)[0] == 0


def test_training_raises_support_and_engagement_and_costs_per_manager():
    base, trained = mean_kpis(), mean_kpis(["training.share=1.0"])
    assert trained["manager_support"] > base["manager_support"] + 0.03
    assert trained["engagement"] > base["engagement"] + 0.02
    assert trained["voluntary_attrition_rate"] < base["voluntary_attrition_rate"]
    model = run_small(["training.share=1.0", "training.cost_eur_per_manager=1000"], weeks=3, burn_in=0)
    managers = model.org.is_manager.sum()
    assert model.tables()["timeseries"]["cost_programmes"].iloc[0] >= managers * 1000


def test_selecting_for_leadership_beats_promoting_the_top_performer():
    promote = ["managers.internal_promotion_share=1.0"]
    top = mean_kpis([*promote, "managers.selection=top_performer"])
    leaders = mean_kpis([*promote, "managers.selection=leadership"])
    assert leaders["manager_support"] > top["manager_support"]
    assert leaders["engagement"] > top["engagement"]


def test_promoted_untrained_manager_has_more_strain_and_quit_risk():
    model = run_small(weeks=1, burn_in=0)
    seat = int(model.org.team_leader[1])
    before = extra_strain(model.world, model.current)[seat]
    model.staff.promoted[seat] = True
    assert extra_strain(model.world, model.current)[seat] == pytest.approx(before + model.config.managers.promoted_strain)
    from exsim.mechanisms.attrition import quit_hazard
    from exsim.mechanisms.burnout import strain_target
    work = model.current.work
    model.staff.strain[seat] = strain_target(model.staff, work)[seat]
    plain = quit_hazard(model.staff, model.current)[seat]
    model.staff.strain[seat] = strain_target(model.staff, work, extra_strain(model.world, model.current))[seat]
    assert quit_hazard(model.staff, model.current)[seat] > plain  # the extra strain raises the quit risk
    model.staff.trained_week[seat] = 0  # training removes the promoted manager's extra strain
    assert extra_strain(model.world, model.current)[seat] == pytest.approx(before)


def test_vacant_manager_seat_is_covered_by_their_manager_with_a_wider_span():
    model = run_small(weeks=1, burn_in=0)
    org, staff = model.org, model.staff
    team = int(np.flatnonzero(org.manager_of[org.team_leader] == 0)[0])  # a team whose manager reports to the top
    before_reports = manager_support.people_to_lead(org, staff)[0]
    staff.occupied[org.team_leader[team]] = False
    after_reports = manager_support.people_to_lead(org, staff)[0]
    assert after_reports == before_reports - 1 + staff.occupied[org.team_of == team].sum()
    team_support, _ = manager_support.team_support(org, staff, model.config)
    assert team_support[team] < team_support[0]  # covered at a distance
    assert team_support[team] > 0


def test_contagion_peaks_near_ten_weeks_and_is_stronger_in_small_teams():
    att = Attrition()
    staff = StaffState.empty(2)
    staff.occupied[:] = True
    staff.contagion_exposure[:] = [1.0, 0.0]
    lift = []
    for _ in range(40):
        contagion.update_contagion(staff, att)
        lift.append(staff.contagion[0])
    assert 8 <= int(np.argmax(lift)) + 1 <= 12
    assert lift[-1] < 0.3 * max(lift)


def test_quits_expose_teammates_and_a_manager_exit_shocks_the_team_more():
    model = run_small(weeks=1, burn_in=0)
    org, staff = model.org, model.staff
    team = int(np.argmax(org.team_sizes()))
    members = np.flatnonzero((org.team_of == team) & ~org.is_manager)
    staff.contagion_exposure[:] = 0
    contagion.shock_teams(org, staff, members[:1], model.config)
    by_member = staff.contagion_exposure[members[1]]
    assert by_member > 0 and staff.contagion_exposure[org.team_of != team].sum() == 0
    staff.contagion_exposure[:] = 0
    contagion.shock_teams(org, staff, np.array([org.team_leader[team]]), model.config)
    assert staff.contagion_exposure[members[1]] > by_member


def test_good_onboarding_means_faster_ramp_and_fewer_early_quits():
    def six_month_quits(quality):
        rates = []
        for seed in range(3):
            spells = run_small([f"policy.onboarding_quality={quality}", "org.headcount=400"], seed=seed, weeks=208).tables()["spells"]
            hires = spells[(spells.hire_week >= 1) & (spells.hire_week <= 180)]
            early = (hires.exit_reason == "voluntary") & (hires.exit_week - hires.hire_week <= 26)
            rates.append(early.mean())
        return np.mean(rates)
    assert six_month_quits(1.0) < 0.85 * six_month_quits(0.0)


def test_reputation_drives_applicants_time_to_fill_and_referrals():
    cfg = Brand()
    good, poor = brand.reputation_target(40, 20, cfg), brand.reputation_target(-40, -20, cfg)
    assert good > 0.5 > poor
    assert brand.applicants_per_vacancy(good, cfg) > cfg.applicants_per_vacancy > brand.applicants_per_vacancy(poor, cfg)
    assert brand.hire_fit(brand.applicants_per_vacancy(good, cfg), cfg) > 0
    assert brand.referral_probability(40, cfg) > brand.referral_probability(-40, cfg)
    policy, market = load_config().policy, load_config().market
    assert hiring.time_to_fill_weeks(policy, market, 30, 12) < hiring.time_to_fill_weeks(policy, market, 5, 12)
    assert brand.update_reputation(0.5, 0.9, cfg) < 0.52  # reputation moves over months, not weeks


def test_fair_pay_matters_more_than_pay_level():
    base = load_config()
    fair = load_config(None, ["policy.pay_fairness=0.9"])
    richer = load_config(None, ["policy.pay_level=1.1"])
    staff = StaffState.empty(1)
    staff.occupied[:] = True
    target = {name: engagement.engagement_target(staff, cfg)[0] for name, cfg in
              (("base", base), ("fair", fair), ("richer", richer))}
    assert target["fair"] - target["base"] > 2 * (target["richer"] - target["base"]) > 0
    assert fairness(fair) > fairness(base)


def test_surveys_build_trust_only_when_followed_up():
    base = mean_kpis(["listening.surveys_per_year=0"])
    ignored = mean_kpis(["listening.surveys_per_year=4", "listening.follow_up_rate=0"])
    followed = mean_kpis(["listening.surveys_per_year=4", "listening.follow_up_rate=1"])
    assert ignored["trust_org"] < base["trust_org"] - 0.05 < followed["trust_org"] - 0.05
    assert ignored["engagement"] < base["engagement"] < followed["engagement"]


def test_toxic_senior_leadership_caps_trust():
    toxic = mean_kpis(["culture.senior_toxicity=0.6", "culture.trust=0.8"])
    assert toxic["trust_org"] <= 0.4 + 1e-9
    assert toxic["engagement"] < mean_kpis(["culture.trust=0.8"])["engagement"]


def test_word_of_mouth_and_customer_mood():
    cust = load_config().customers
    rng = np.random.default_rng(0)
    happy = np.mean([customers.draw_new_customers(1000, 0.9, cust, rng) for _ in range(300)])
    unhappy = np.mean([customers.draw_new_customers(1000, 0.6, cust, rng) for _ in range(300)])
    assert happy > 1.2 * unhappy
    model = run_small(weeks=2, burn_in=0)
    seats = np.flatnonzero(model.org.frontline)[:5]
    strain_before = extra_strain(model.world, model.current)[seats]
    model.staff.customer_mood[seats] = 0.3
    assert (extra_strain(model.world, model.current)[seats] > strain_before).all()


def test_change_fatigue_dilutes_concurrent_changes_and_adds_strain(tmp_path):
    path = tmp_path / "many.toml"
    items = "".join(f'[[interventions]]\nname = "c{i}"\nprogramme = "{p}"\nstart_week = 5\n\n'
                    for i, p in enumerate(["perks", "pulse_surveys", "development_conversations"]))
    path.write_text(items)
    config = load_config(path)
    assert concurrent_changes(config, 4) == 0 and concurrent_changes(config, 6) == 3
    assert fatigue_dilution(config, 3) < 1
    now = Schedule(config).config_at(6)
    assert 0 < now.policy.perks_eur_per_employee < 1500  # weakened by the other two changes
    model = OrgModel(config, rng=1, burn_in_weeks=0)
    model.run(6)
    assert (extra_strain(model.world, model.current) >= 2 * config.work.change_fatigue_strain - 1e-9).all()


@pytest.mark.parametrize("sensitivity", [0.0, 4.0, 30.0])
def test_churn_draws_leave_each_customer_at_their_own_hazard(sensitivity):
    """Thinned draws (candidates at the highest chance, then kept at hazard / bound): at each satisfaction
    level the share who leave is that level's weekly churn chance; inactive rows never leave."""
    from exsim.config.schema import Customers
    from exsim.mechanisms.common import weekly_probability
    from exsim.mechanisms.state import CustomerState

    rows, weeks = 20_000, 40
    levels = np.array([0.0, 0.3, 0.6, 0.75, 1.0])
    state = CustomerState.empty(rows)
    state.active[:] = np.arange(rows) % 10 != 0
    state.satisfaction[:] = levels[np.arange(rows) % len(levels)]
    cust = Customers(churn_sensitivity=sensitivity, base_churn_per_year=0.9)
    rng = np.random.default_rng(11)
    left = np.zeros(rows, dtype=np.int64)
    for _ in range(weeks):
        churned = customers.draw_churn(state, cust, rng)
        assert np.all(np.diff(churned) > 0)  # each row at most once, in order
        left[churned] += 1
    assert not left[~state.active].any()
    chance = weekly_probability(cust.base_churn_per_year / 52 * np.exp(sensitivity * (cust.satisfaction_reference - levels)))
    for level, p in zip(levels, chance):
        group = state.active & (state.satisfaction == level)
        trials = group.sum() * weeks
        observed = left[group].sum()
        assert abs(observed - trials * p) < 5 * np.sqrt(trials * p * (1 - p)) + 1, (level, observed, trials * p)


@pytest.mark.parametrize("p", [0.0, 0.0003, 0.04, 0.5, 1.0])
def test_bernoulli_rows_are_each_row_at_chance_p(p):
    from exsim.mechanisms.common import bernoulli_rows

    rng, n, reps = np.random.default_rng(5), 50_000, 20
    hits = np.zeros(n, dtype=np.int64)
    for _ in range(reps):
        rows = bernoulli_rows(rng, n, p)
        assert rows.dtype.kind == "i" and np.all(np.diff(rows) > 0) and (len(rows) == 0 or 0 <= rows[0] <= rows[-1] < n)
        hits[rows] += 1
    trials = n * reps
    assert abs(hits.sum() - trials * p) <= 5 * np.sqrt(trials * p * (1 - p))
    halves = hits[: n // 2].sum(), hits[n // 2:].sum()  # no drift along the rows
    assert abs(halves[0] - halves[1]) <= 6 * np.sqrt(trials * p * (1 - p)) + 1


def test_absence_spells_start_at_each_seats_chance_and_never_twice():
    """Thinned spell starts: at each burnout level the shares starting long and short spells are those
    levels' chances; people on long absence start none, and nobody starts both in one week."""
    from types import SimpleNamespace

    from exsim.config.schema import Absence
    from exsim.mechanisms import absence

    seats, weeks, levels = 20_000, 30, np.array([0.0, 0.4, 0.8, 1.0])
    cfg = SimpleNamespace(absence=Absence())
    long_starts = np.zeros(seats, dtype=np.int64)
    short_starts = np.zeros(seats, dtype=np.int64)
    rng = np.random.default_rng(8)
    staff = StaffState.empty(seats)
    for _ in range(weeks):
        staff.occupied[:] = np.arange(seats) % 7 != 0
        staff.burnout[:] = levels[np.arange(seats) % len(levels)]
        staff.long_absence_weeks_left[:] = np.where(np.arange(seats) % 5 == 0, 3, 0)  # on long absence: no new spell
        world = SimpleNamespace(staff=staff)
        absence.update_absence(world, cfg, rng)
        started_long = staff.long_absence_weeks_left > 0
        started_long &= np.arange(seats) % 5 != 0
        long_starts += started_long
        short = (staff.absent_days > 0) & ~staff.on_long_absence
        short_starts += short
        assert not (short & started_long).any()
    eligible = staff.occupied & (np.arange(seats) % 5 != 0)
    assert not long_starts[~eligible].any() and not short_starts[~eligible].any()
    for level in levels:
        group = eligible & (staff.burnout == level)
        for counts, long in ((long_starts, True), (short_starts, False)):
            p = float(absence.start_chance(staff, cfg.absence, np.flatnonzero(group)[:1], long=long)[0])
            p_short_given_no_long = p if long else p * (1 - float(absence.start_chance(
                staff, cfg.absence, np.flatnonzero(group)[:1], long=True)[0]))
            trials = group.sum() * weeks
            observed = counts[group].sum()
            expected = trials * p_short_given_no_long
            assert abs(observed - expected) < 5 * np.sqrt(expected) + 2, (level, long, observed, expected)


def test_exits_drawn_at_each_seats_hazard_and_involuntary_exits_only_among_stayers():
    from types import SimpleNamespace

    from exsim.mechanisms.attrition import draw_exits
    from exsim.mechanisms.common import weekly_probability

    seats, weeks = 30_000, 30
    staff = StaffState.empty(seats)
    staff.occupied[:] = np.arange(seats) % 9 != 0
    hazard = np.where(staff.occupied, np.array([0.001, 0.01, 0.05])[np.arange(seats) % 3], 0.0)
    config = SimpleNamespace(attrition=Attrition(involuntary_rate_per_year=1.0))
    rng = np.random.default_rng(2)
    quit_counts = np.zeros(seats, dtype=np.int64)
    fired = 0
    for _ in range(weeks):
        quits, involuntary = draw_exits(staff, hazard, config, rng)
        assert not np.intersect1d(quits, involuntary).size and staff.occupied[involuntary].all()
        quit_counts[quits] += 1
        fired += len(involuntary)
    assert not quit_counts[~staff.occupied].any()
    for h in (0.001, 0.01, 0.05):
        group = staff.occupied & (hazard == h)
        expected = group.sum() * weeks * weekly_probability(h)
        assert abs(quit_counts[group].sum() - expected) < 5 * np.sqrt(expected) + 2, h
    stayers = (staff.occupied.sum() * weeks - quit_counts.sum())
    expected = stayers * weekly_probability(1.0 / 52)
    assert abs(fired - expected) < 5 * np.sqrt(expected) + 2
