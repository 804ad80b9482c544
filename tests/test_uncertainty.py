"""Bootstrap intervals through an emulator (issue 11): the emulator reproduces a quadratic model,
the intervals cover the truth about as often as they claim, and too few trials give no interval."""

import numpy as np

from exsim.calibration import uncertainty

MONTHS = np.array([3, 6, 12, 24, 36, 60])


def curve(theta: np.ndarray) -> np.ndarray:
    """A toy model: retention at MONTHS under a constant hazard of 0.05 + 0.4 * theta per year."""
    return np.exp(-np.outer(0.05 + 0.4 * np.atleast_1d(theta), MONTHS / 12))


def test_emulator_reproduces_a_quadratic_exactly():
    rng = np.random.default_rng(1)
    u = rng.random((40, 2))
    figures = np.column_stack([1 + u[:, 0] - 2 * u[:, 1] ** 2 + 3 * u[:, 0] * u[:, 1], u[:, 1] ** 2])
    emulator = uncertainty.fit_emulator(u, figures)
    assert emulator.interactions
    probe = rng.random((5, 2))
    expected = np.column_stack([1 + probe[:, 0] - 2 * probe[:, 1] ** 2 + 3 * probe[:, 0] * probe[:, 1], probe[:, 1] ** 2])
    assert np.allclose(emulator.predict(probe), expected)


def test_the_emulator_drops_interactions_then_gives_up_as_trials_run_short():
    rng = np.random.default_rng(2)
    figures = rng.random((30, 3))
    assert not uncertainty.fit_emulator(rng.random((14, 3)), figures[:14]).interactions  # 7 terms x 2 <= 14 < 10 x 2
    assert uncertainty.fit_emulator(rng.random((13, 3)), figures[:13]) is None
    assert uncertainty.min_trials(3) == 14


def test_a_figure_missing_in_some_trials_is_fitted_on_the_others():
    rng = np.random.default_rng(3)
    u = rng.random((20, 1))
    figures = np.column_stack([2 * u[:, 0], 1 - u[:, 0]])
    figures[::4, 1] = np.nan
    emulator = uncertainty.fit_emulator(u, figures)
    assert np.allclose(emulator.predict(np.array([[0.25]])), [[0.5, 0.75]])


def test_intervals_cover_the_truth_about_as_often_as_they_claim():
    """Data: 600 people per experiment; model noise in the trials; 50 experiments. A 95% interval
    that undercovers (like the old range of near-best trials) would miss far more than 1 in 10."""
    rng = np.random.default_rng(4)
    truth, people, covered, widths = 0.4, 600, 0, []
    for _ in range(50):
        hazard = 0.05 + 0.4 * truth
        tenure = rng.exponential(12 / hazard, people)
        observed = (tenure[None, :] > MONTHS[:, None]).mean(axis=1)
        se = np.sqrt(observed * (1 - observed) / people)
        u = rng.random((30, 1))
        trials = curve(u[:, 0]) + rng.normal(0, 0.01, (30, len(MONTHS)))  # the model's own noise
        resamples = []
        for _ in range(60):
            again = rng.choice(tenure, people)
            share = (again[None, :] > MONTHS[:, None]).mean(axis=1)
            resamples.append((share, np.sqrt(se ** 2 + 0.01 ** 2)))
        points = uncertainty.bootstrap_points(u, trials, resamples, np.array([0.5]), seed=int(rng.integers(1000)))
        low, high = uncertainty.percentile_interval(points)
        covered += bool(low[0] <= truth <= high[0])
        widths.append(high[0] - low[0])
    assert covered >= 0.85 * 50, covered
    assert np.median(widths) < 0.25  # and the data say something: not the whole range


def _study_of_toy_trials(n: int, rng) -> tuple:
    """An Optuna study whose trials ran the toy model at `n` hazard slopes in [0, 2] (the model's noise added)."""
    import optuna
    import pandas as pd

    from exsim.calibration.fit import _targets_to_json
    from exsim.calibration.targets import Targets
    study = optuna.create_study()
    key = "attrition.slope"
    for theta in rng.uniform(0, 2, n):
        sim = curve(theta / 2)[0] + rng.normal(0, 0.005, len(MONTHS))
        targets = Targets("survival", 0.1, pd.Series(sim, index=MONTHS), pd.Series(0.005, index=MONTHS))
        study.add_trial(optuna.trial.create_trial(
            params={key: theta}, distributions={key: optuna.distributions.FloatDistribution(0, 2)}, value=1.0,
            user_attrs={"simulated": _targets_to_json(targets)}))
    return study, {key: (0.0, 2.0)}, key


def test_fit_intervals_hold_the_truth_in_the_parameters_own_units_and_say_when_trials_are_too_few():
    import pandas as pd

    from exsim.calibration.fit import _targets_from_json, intervals, trial_points
    from exsim.calibration.targets import Targets
    rng = np.random.default_rng(5)
    study, parameters, key = _study_of_toy_trials(30, rng)
    truth = 0.8  # in the search range 0 to 2

    def observed(people: int) -> Targets:
        tenure = rng.exponential(12 / (0.05 + 0.4 * truth / 2), people)
        share = (tenure[None, :] > MONTHS[:, None]).mean(axis=1)
        return Targets("survival", 0.1, pd.Series(share, index=MONTHS), pd.Series(np.sqrt(share * (1 - share) / people), index=MONTHS))
    winner = min(study.trials, key=lambda t: abs(t.params[key] - truth))
    winner_targets = _targets_from_json(winner.user_attrs["simulated"])
    u, figures = trial_points(study, parameters)
    best = {key: winner.params[key]}
    row = intervals(u, figures, parameters, best, winner_targets, [observed(800) for _ in range(100)], seed=1).iloc[0]
    assert row["low"] < truth < row["high"] and row["identified"] and not row["on_bound"]
    assert row["high"] - row["low"] < 0.5  # a quarter of the search range: 800 people say a lot
    vague = intervals(u, figures, parameters, best, winner_targets, [observed(15) for _ in range(100)], seed=1).iloc[0]
    assert vague["high"] - vague["low"] > row["high"] - row["low"]  # fewer people, a wider interval
    few, _, _ = _study_of_toy_trials(5, rng)  # an emulator of one parameter needs 6 trials
    none = intervals(*trial_points(few, parameters), parameters, best, winner_targets, [observed(800)], seed=1).iloc[0]
    assert np.isnan(none["low"]) and not none["identified"] and none["resamples"] == 0
