"""Left truncation, standard errors and baseline survival models against synthetic files with known truth."""

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from exsim.analysis.baselines import (fit_baselines, fit_exponential, fit_piecewise, fit_weibull, holdout_split,
                                      model_table, retention_table)
from exsim.analysis.survival import hazard_by_band, kaplan_meier, km_retention, nelson_aalen
from exsim.config.timebase import CALENDAR_WEEKS_PER_MONTH as WEEKS_PER_MONTH
from tests.synthetic_survival import PiecewiseHazard, Weibull, draw_file, draw_survival_file, survival_frame

BANDS = (0, 3, 12, 36, np.inf)
HAZARDS = (0.6, 0.35, 0.2, 0.12)  # exits per year: falling with tenure
MONTHS = np.array([6, 12, 24, 36, 60])


def truncated_file(n=4000, seed=2):
    """Ten years of hires; the export shows only people employed during the last two years."""
    return draw_survival_file(n, BANDS, HAZARDS, max_tenure_months=120, window_months=24, seed=seed)


# ---- the synthetic files ------------------------------------------------------------------------
def test_synthetic_file_looks_like_an_export_and_has_the_asked_censoring():
    file = draw_survival_file(3000, BANDS, HAZARDS, censor_share=0.5, seed=1, left_labels=("No", "Yes"))
    assert list(file.columns) == ["EmployeeNumber", "TENURE", "LEFT"] and file["EmployeeNumber"].is_unique
    assert set(file["LEFT"]) == {"No", "Yes"} and file["LEFT"].eq("No").mean() == pytest.approx(0.5, abs=0.03)
    assert file["TENURE"].max() <= file.attrs["hiring_span_months"]
    truth = file.attrs["truth"]
    assert truth.survival(0.0) == 1.0 and truth.survival(3.0) == pytest.approx(np.exp(-0.6 / 4))
    pd.testing.assert_frame_equal(file, draw_survival_file(3000, BANDS, HAZARDS, seed=1, left_labels=("No", "Yes")))


def test_truncated_file_starts_observation_at_the_window():
    file = truncated_file()
    start = file["TENURE_AT_START"]
    assert (start <= file["TENURE"]).all() and (start > 0).mean() > 0.5  # most were hired before the window
    assert (file["TENURE"] - start).max() <= 24 + 1e-9  # nobody is observed longer than the window


def test_piecewise_truth_is_checked():
    with pytest.raises(ValueError, match="one hazard per band"):
        PiecewiseHazard((0, 12), (0.2, 0.1))


# ---- Kaplan-Meier and Nelson-Aalen with left truncation ------------------------------------------
def test_kaplan_meier_with_delayed_entry_by_hand():
    # entered at 0, 2, 3, 0; at risk for entry < t <= duration: 2 at t=2, 2 at t=3 (the one entering at 3 is not)
    curve = kaplan_meier([2, 3, 3, 5], [True, True, False, True], entry=[0, 2, 3, 0])
    assert curve["at_risk"].tolist() == [2, 2, 1]
    np.testing.assert_allclose(curve["survival"], [0.5, 0.25, 0.0])
    assert curve["se"].iloc[1] == pytest.approx(0.25 * np.sqrt(1 / 2 + 1 / 2))
    pd.testing.assert_frame_equal(kaplan_meier([1, 2, 4], [True, False, True], entry=[0, 0, 0]),
                                  kaplan_meier([1, 2, 4], [True, False, True]))


def test_an_exit_at_the_entry_tenure_is_at_risk_then():
    curve = kaplan_meier([6, 6, 9], [True, False, True], entry=[6, 0, 0])  # rounded data: entered and left at 6
    assert curve["at_risk"].tolist() == [3, 1]


def test_entry_is_checked():
    with pytest.raises(ValueError, match="exceed the duration"):
        kaplan_meier([1, 2], [True, True], entry=[0, 3])
    with pytest.raises(ValueError, match="0 or more"):
        nelson_aalen([1, 2], [True, True], entry=[-1, 0])
    frame = pd.DataFrame({"tenure_weeks": [5.0, 6.0], "left": [True, False], "start": [1.0, np.nan]})
    with pytest.raises(ValueError, match="column 'start'"):
        km_retention(frame, [1], entry="start")
    with pytest.raises(ValueError, match="no column 'begin'"):
        hazard_by_band(frame, entry="begin")


def test_truncated_km_recovers_the_true_survival_and_naive_km_is_biased_upward():
    file = truncated_file()
    truth = file.attrs["truth"].survival(MONTHS)
    frame = survival_frame(file)
    fair = km_retention(frame, MONTHS, entry="entry_weeks")
    z = (fair["retention"] - truth) / fair["se"]
    assert np.abs(z).max() < 3
    naive = km_retention(frame, MONTHS)  # early leavers hired before the window are missing from the file
    assert ((naive["retention"] - truth) / naive["se"] > 10).all()
    assert (naive["retention"] - truth).min() > 0.1
    assert (fair["at_risk"] < naive["at_risk"]).all()


def test_greenwood_is_the_binomial_error_without_censoring():
    tenure = np.random.default_rng(4).exponential(20.0, 500)
    curve = kaplan_meier(tenure, np.ones(500, dtype=bool))
    survived = 1.0 - np.arange(1, 501) / 500
    np.testing.assert_allclose(curve["survival"], survived, atol=1e-12)
    inside = survived > 0
    np.testing.assert_allclose(curve["se"][inside], np.sqrt(survived * (1 - survived) / 500)[inside], rtol=1e-9)


def test_standard_errors_match_the_spread_over_replicate_files():
    rows = []
    for seed in range(150):
        frame = survival_frame(truncated_file(n=600, seed=seed))
        km = km_retention(frame, [12, 36], entry="entry_weeks")
        bands = hazard_by_band(frame, BANDS, entry="entry_weeks")
        rows.append([*km["retention"], *bands["hazard_per_year"], *km["se"], *bands["hazard_se"]])
    values = np.array(rows)
    spread, mean_se = values[:, :6].std(axis=0), values[:, 6:].mean(axis=0)
    np.testing.assert_allclose(mean_se / spread, 1.0, atol=0.2)
    np.testing.assert_allclose(values[:, 2:6].mean(axis=0), HAZARDS, rtol=0.05)


def test_nelson_aalen_by_hand_and_close_to_minus_log_km():
    by_hand = nelson_aalen([2, 3, 3, 5], [True, True, False, True], entry=[0, 2, 3, 0])
    np.testing.assert_allclose(by_hand["cumulative_hazard"], [0.5, 1.0, 2.0])
    np.testing.assert_allclose(by_hand["variance"], [0.25, 0.5, 1.5])
    frame = survival_frame(truncated_file())
    args = frame["tenure_weeks"], frame["left"], frame["entry_weeks"]
    na, km = nelson_aalen(*args), kaplan_meier(*args)
    assert (na["time"] == km["time"]).all()
    minus_log_km = -np.log(km["survival"])
    assert (na["cumulative_hazard"] <= minus_log_km + 1e-12).all()  # exp(-NA) >= KM at every time
    large = na["at_risk"] >= 100
    assert large.mean() > 0.9
    assert np.abs(na["cumulative_hazard"] - minus_log_km)[large].max() < 0.01


# ---- hazard by band ------------------------------------------------------------------------------
def test_hazard_by_band_with_entry_by_hand():
    frame = pd.DataFrame({"tenure_weeks": np.array([2, 8, 30]) * WEEKS_PER_MONTH, "left": [True, False, True],
                          "start": np.array([0, 4, 13]) * WEEKS_PER_MONTH})
    table = hazard_by_band(frame, (0, 3, 6, 12, np.inf), entry="start")
    np.testing.assert_allclose(table["exposure_weeks"] / WEEKS_PER_MONTH, [2, 2, 2, 17])
    np.testing.assert_allclose(table["person_years"] * 12, [2, 2, 2, 17])
    assert table["events"].tolist() == [1, 0, 0, 1] and table["entered"].tolist() == [1, 1, 1, 1]
    np.testing.assert_allclose(table["hazard_per_year"], [6, 0, 0, 12 / 17])
    np.testing.assert_allclose(table["hazard_se"], [6, 0, 0, 12 / 17])  # sqrt(1) / person-years


def test_hazard_by_band_recovers_the_true_hazards():
    table = hazard_by_band(survival_frame(truncated_file()), BANDS, entry="entry_weeks")
    z = (table["hazard_per_year"] - np.array(HAZARDS)) / table["hazard_se"]
    assert np.abs(z).max() < 3
    assert (table["events"] > 50).all()


# ---- baseline models -----------------------------------------------------------------------------
def test_weibull_recovers_shape_and_scale_with_and_without_truncation():
    truth = Weibull(1.4, 40.0)
    for window in (None, 24):
        file = draw_file(4000, truth, max_tenure_months=120 if window else None, window_months=window, seed=7)
        fit = fit_weibull(survival_frame(file), entry="entry_weeks" if window else None)
        assert abs(fit.params["shape"] - 1.4) < 3 * fit.se["shape"]
        assert abs(fit.params["scale_months"] - 40.0) < 3 * fit.se["scale_months"]
        assert fit.se["shape"] < 0.1 and fit.se["scale_months"] < 2.5


def test_weibull_likelihood_and_standard_errors():
    frame = survival_frame(draw_file(800, Weibull(0.8, 30.0), seed=3))
    fit = fit_weibull(frame)
    months, left = frame["tenure_weeks"].to_numpy() / WEEKS_PER_MONTH, frame["left"].to_numpy()
    dist = stats.weibull_min(fit.params["shape"], scale=fit.params["scale_months"])
    assert fit.log_likelihood == pytest.approx(dist.logpdf(months[left]).sum() + dist.logsf(months[~left]).sum())
    nearby = [stats.weibull_min(fit.params["shape"] * f, scale=fit.params["scale_months"] * g) for f, g in
              [(1.02, 1), (0.98, 1), (1, 1.02), (1, 0.98)]]
    assert all(d.logpdf(months[left]).sum() + d.logsf(months[~left]).sum() < fit.log_likelihood for d in nearby)
    shapes = [fit_weibull(survival_frame(draw_file(600, Weibull(0.8, 30.0), seed=s))).params["shape"]
              for s in range(60)]
    assert np.std(shapes) == pytest.approx(fit.se["shape"] * np.sqrt(800 / 600), rel=0.25)


def test_exponential_and_piecewise_by_hand():
    frame = pd.DataFrame({"tenure_weeks": np.array([2, 4, 8, 30]) * WEEKS_PER_MONTH,
                          "left": [True, False, True, True]})
    exp = fit_exponential(frame)
    assert exp.params["hazard_per_year"] == pytest.approx(3 / 44 * 12)
    assert exp.se["hazard_per_year"] == pytest.approx(3 / 44 * 12 / np.sqrt(3))
    assert exp.log_likelihood == pytest.approx(3 * np.log(3 / 44) - 3)
    assert exp.retention([12])[12] == pytest.approx(np.exp(-36 / 44))
    pw = fit_piecewise(frame, bands_months=(0, 3, 6, 12, np.inf))
    assert pw.params == pytest.approx({"hazard_per_year[0-3]": 12 / 11, "hazard_per_year[3-6]": 0.0,
                                       "hazard_per_year[6-12]": 1.5, "hazard_per_year[12+]": 12 / 18})
    assert pw.retention([3, 7, 20]).tolist() == pytest.approx(np.exp(-np.array([3 / 11, 3 / 11 + 1 / 8,
                                                                                3 / 11 + 6 / 8 + 8 / 18])))
    assert pw.n_params == 4 and pw.aic == pytest.approx(8 - 2 * pw.log_likelihood)


def test_piecewise_retention_is_nan_past_bands_without_data():
    frame = pd.DataFrame({"tenure_weeks": np.array([2, 4, 8]) * WEEKS_PER_MONTH, "left": [True, False, True]})
    fit = fit_piecewise(frame, bands_months=(0, 6, 12, np.inf))
    assert fit.n_params == 2 and "hazard_per_year[12+]" not in fit.params
    assert np.isfinite(fit.retention([11.9])).all() and np.isnan(fit.retention([13])).all()


def test_fits_need_exits():
    frame = pd.DataFrame({"tenure_weeks": [10.0, 20.0], "left": [False, False]})
    for fit in (fit_exponential, fit_weibull, fit_piecewise):
        with pytest.raises(ValueError, match="no exits"):
            fit(frame)


def test_aic_prefers_the_model_of_the_data():
    frame = survival_frame(draw_survival_file(4000, BANDS, HAZARDS, seed=1))
    table = model_table(fit_baselines(frame, bands_months=BANDS)).set_index("model")
    assert table["delta_aic"].idxmin() == "piecewise" and table.loc["exponential", "delta_aic"] > 50
    weibull = fit_baselines(survival_frame(draw_file(4000, Weibull(1.4, 40.0), seed=2)), bands_months=BANDS)
    assert weibull["weibull"].aic < min(weibull["exponential"].aic, weibull["piecewise"].aic)


# ---- holdout -------------------------------------------------------------------------------------
def test_holdout_split_is_reproducible_and_disjoint():
    frame = survival_frame(draw_survival_file(1000, BANDS, HAZARDS, seed=1))
    train, test = holdout_split(frame, share=0.3, seed=5)
    assert len(test) == 300 and len(train) == 700
    assert set(train.index).isdisjoint(test.index) and set(train.index) | set(test.index) == set(frame.index)
    again = holdout_split(frame, share=0.3, seed=5)
    assert again[1].index.equals(test.index) and again[0].index.equals(train.index)
    assert not holdout_split(frame, share=0.3, seed=6)[1].index.equals(test.index)


def test_holdout_split_keeps_a_persons_rows_together_and_checks_share():
    frame = pd.DataFrame({"person": [1, 1, 2, 3, 3, 3, 4, 5], "tenure_weeks": 1.0, "left": False})
    train, test = holdout_split(frame, share=0.4, seed=0, by="person")
    assert test["person"].nunique() == 2 and set(train["person"]).isdisjoint(test["person"])
    assert len(train) + len(test) == len(frame)
    with pytest.raises(ValueError, match="between 0 and 1"):
        holdout_split(frame, share=1.0)
    with pytest.raises(ValueError, match="one side empty"):
        holdout_split(frame.iloc[:2], share=0.1)


def test_baselines_trained_on_70_percent_predict_held_out_retention():
    file = draw_survival_file(6000, BANDS, HAZARDS, censor_share=0.5, seed=11)
    train, test = holdout_split(survival_frame(file), share=0.3, seed=0)
    models = fit_baselines(train, bands_months=BANDS)
    table = retention_table(test, models, months=[12, 24, 36, 60])
    assert (table["at_risk"] > 50).all() and (table["km_se"] < 0.02).all()
    assert table["piecewise_error"].max() < 4 and np.abs(table["piecewise_z"]).max() < 3
    assert table["weibull_error"].max() < 7  # one shape cannot follow four bands exactly
    assert table["exponential_error"].max() > 2 * table["piecewise_error"].max()  # misses the falling hazard
    np.testing.assert_allclose(table["piecewise_error"], 100 * np.abs(table["piecewise"] - table["km"]))


def test_retention_table_takes_a_simulated_curve():
    frame = pd.DataFrame({"tenure_weeks": np.array([1, 2, 3, 4]) * WEEKS_PER_MONTH, "left": [True, True, False, True]})
    simulated = pd.Series([0.8, 0.5], index=[1, 2])
    table = retention_table(frame, {"abm": simulated}, months=[1, 2])
    np.testing.assert_allclose(table["km"], [0.75, 0.5])
    np.testing.assert_allclose(table["abm_error"], [5.0, 0.0])
    np.testing.assert_allclose(table["abm_z"], [0.05 / table["km_se"][0], 0.0])
