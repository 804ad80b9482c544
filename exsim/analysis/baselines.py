"""Plain statistical survival models to compare a simulator's fit against, and out-of-sample checks.

Exponential, Weibull and piecewise-exponential hazards are fitted by maximum likelihood to a
survival frame (duration `tenure_weeks`, event `left`) with right censoring and, given an entry
column, left truncation: log L = sum over exits of log h(t) - sum over people of (H(t) - H(entry)).
Parameters are per year (hazards) or in months (Weibull scale); log-likelihoods take months as the
time unit, so AICs compare across models fitted to the same frame. Standard errors come from the
observed information. `holdout_split` and `retention_table` check predictions on held-out people
against their Kaplan-Meier retention.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy.optimize import minimize_scalar

from exsim.analysis.survival import TENURE_BANDS_MONTHS, durations_events, entry_column, hazard_by_band, km_retention
from exsim.config.timebase import CALENDAR_WEEKS_PER_MONTH

RETENTION_CHECK_MONTHS = (12, 24, 36, 60)
WEIBULL_MIN_MONTHS = 0.5 / CALENDAR_WEEKS_PER_MONTH  # a tenure of 0 is taken as half a week (log t must be finite)
WEIBULL_SHAPE_BOUNDS = (0.02, 50.0)


@dataclass(frozen=True)
class FittedBaseline:
    """A fitted survival model: parameters with standard errors, log-likelihood, retention curve.

    params and se share keys: exponential 'hazard_per_year'; weibull 'shape', 'scale_months';
    piecewise 'hazard_per_year[0-3]', ... per tenure band.
    """

    name: str
    params: dict[str, float]
    se: dict[str, float]
    log_likelihood: float
    n_params: int
    n: int
    events: int
    cumulative_hazard: Callable[[np.ndarray], np.ndarray] = field(repr=False, compare=False)  # of months

    @property
    def aic(self) -> float:
        """Akaike's information criterion, 2 k - 2 log L."""
        return 2.0 * self.n_params - 2.0 * self.log_likelihood

    def retention(self, months: Sequence[float]) -> pd.Series:
        """Survival probability at each tenure month (index: month; NaN beyond a piecewise model's data)."""
        grid = np.asarray(months)
        return pd.Series(np.exp(-self.cumulative_hazard(grid.astype(float))), index=pd.Index(grid, name="month"),
                         name=self.name)


def fit_exponential(frame: pd.DataFrame, duration: str = "tenure_weeks", event: str = "left",
                    entry: str | None = None) -> FittedBaseline:
    """Constant hazard: exits over months at risk (after entry); se = hazard / sqrt(exits)."""
    t, a, e = _months(frame, duration, event, entry)
    exposure = float((t - a).sum())
    rate = float(e.sum() / exposure)  # per month
    se = 12 * rate / float(np.sqrt(e.sum()))
    return FittedBaseline("exponential", {"hazard_per_year": 12 * rate}, {"hazard_per_year": se},
                          float(e.sum() * (np.log(rate) - 1.0)), 1, t.size, int(e.sum()),
                          lambda m: rate * m)


def fit_weibull(frame: pd.DataFrame, duration: str = "tenure_weeks", event: str = "left",
                entry: str | None = None) -> FittedBaseline:
    """Weibull, H(t) = (t / scale) ** shape, by profile likelihood over the shape.

    shape < 1: exit hazard falls with tenure; > 1: it rises. Tenures of 0 count as half a week.
    """
    t, a, e = _months(frame, duration, event, entry)
    t = np.where(t > 0, t, WEIBULL_MIN_MONTHS)
    unit = float(t.max())  # times over their maximum keep t ** shape finite
    u, ua = t / unit, a / unit
    log_u_events = np.log(u[e]).sum()

    def negative_profile(log_shape: float) -> float:
        k = np.exp(log_shape)
        scale_k = (u**k - ua**k).sum() / e.sum()
        return -(e.sum() * (np.log(k) - np.log(scale_k) - 1.0) + (k - 1.0) * log_u_events)

    lo, hi = np.log(WEIBULL_SHAPE_BOUNDS)
    best = minimize_scalar(negative_profile, bounds=(lo, hi), method="bounded", options={"xatol": 1e-10})
    shape = float(np.exp(best.x))
    scale = unit * float(((u**shape - ua**shape).sum() / e.sum()) ** (1.0 / shape))
    cov = np.linalg.inv(_weibull_information(t, a, e, shape, scale))
    se = {"shape": float(np.sqrt(cov[0, 0])), "scale_months": scale * float(np.sqrt(cov[1, 1]))}
    log_likelihood = -float(best.fun) - e.sum() * np.log(unit)
    return FittedBaseline("weibull", {"shape": shape, "scale_months": scale}, se, float(log_likelihood), 2,
                          t.size, int(e.sum()), lambda m: (m / scale) ** shape)


def fit_piecewise(frame: pd.DataFrame, duration: str = "tenure_weeks", event: str = "left",
                  entry: str | None = None, bands_months: Sequence[float] = TENURE_BANDS_MONTHS) -> FittedBaseline:
    """Constant hazard within each tenure band (the rates of `hazard_by_band`; Poisson se).

    Bands nobody was observed in have no parameter; retention past them is NaN.
    """
    _months(frame, duration, event, entry)  # the same checks as the other models
    table = hazard_by_band(frame, bands_months, duration, event, entry)
    months_at_risk = table["person_years"].to_numpy() * 12
    rate = table["hazard_per_year"].to_numpy() / 12  # per month
    events = table["events"].to_numpy()
    hit = events > 0
    log_likelihood = float((events[hit] * (np.log(rate[hit]) - 1.0)).sum())
    keys = [f"hazard_per_year[{band}]" for band in table["band"]]
    observed = months_at_risk > 0
    params = {k: float(v) for k, v, o in zip(keys, table["hazard_per_year"], observed, strict=True) if o}
    se = {k: float(v) for k, v, o in zip(keys, table["hazard_se"], observed, strict=True) if o}
    edges = np.asarray(bands_months, dtype=float)
    return FittedBaseline("piecewise", params, se, log_likelihood, int(observed.sum()), len(frame),
                          int(events.sum()), lambda m: _piecewise_cumulative(m, edges, rate))


def fit_baselines(frame: pd.DataFrame, duration: str = "tenure_weeks", event: str = "left",
                  entry: str | None = None,
                  bands_months: Sequence[float] = TENURE_BANDS_MONTHS) -> dict[str, FittedBaseline]:
    """The exponential, Weibull and piecewise-exponential fits, keyed by their names."""
    return {"exponential": fit_exponential(frame, duration, event, entry),
            "weibull": fit_weibull(frame, duration, event, entry),
            "piecewise": fit_piecewise(frame, duration, event, entry, bands_months)}


def model_table(models: Mapping[str, FittedBaseline]) -> pd.DataFrame:
    """One row per model: name, n_params, log_likelihood, aic, delta_aic (from the best), params, se."""
    table = pd.DataFrame([{"model": name, "n_params": m.n_params, "log_likelihood": m.log_likelihood, "aic": m.aic,
                           "params": m.params, "se": m.se} for name, m in models.items()])
    table.insert(4, "delta_aic", table["aic"] - table["aic"].min())
    return table


def holdout_split(frame: pd.DataFrame, share: float = 0.3, seed: int = 0,
                  by: str | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(train, test): a random `share` of the people held out, the same for the same frame and seed.

    by: a person column (e.g. an employee number) so all of one person's rows fall on one side;
    default: each row is a person. Rows keep their index. ValueError if a side would be empty.
    """
    if not 0 < share < 1:
        raise ValueError(f"share must be between 0 and 1 (the held-out share), not {share}")
    if by is not None and by not in frame:
        raise ValueError(f"frame has no column {by!r}; columns: {', '.join(map(str, frame.columns))}")
    people = frame[by].unique() if by is not None else np.arange(len(frame))
    n_test = round(share * len(people))
    if not 0 < n_test < len(people):
        raise ValueError(f"holding out {share:.0%} of {len(people)} people leaves one side empty")
    held = np.random.default_rng(seed).choice(len(people), n_test, replace=False)
    is_test = frame[by].isin(people[held]).to_numpy() if by is not None else np.isin(people, held)
    return frame[~is_test], frame[is_test]


def retention_table(test: pd.DataFrame, models: Mapping[str, FittedBaseline | pd.Series],
                    months: Sequence[float] = RETENTION_CHECK_MONTHS, duration: str = "tenure_weeks",
                    event: str = "left", entry: str | None = None) -> pd.DataFrame:
    """Held-out Kaplan-Meier retention against each model's prediction, per tenure month.

    models: fitted baselines, or any object with `retention(months)`, or a Series of retention
    indexed by month (e.g. a simulated curve). Columns: month, km, km_se, at_risk, then per model
    `<name>` (predicted retention), `<name>_error` (|prediction - km| in percentage points) and
    `<name>_z` ((prediction - km) / km_se; NaN where km_se is 0 or missing).
    """
    km = km_retention(test, months, duration, event, entry)
    out = pd.DataFrame({"month": km["month"], "km": km["retention"], "km_se": km["se"], "at_risk": km["at_risk"]})
    se = out["km_se"].where(out["km_se"] > 0)
    for name, model in models.items():
        predicted = _predict(model, months)
        out[name] = predicted
        out[f"{name}_error"] = 100.0 * (out[name] - out["km"]).abs()
        out[f"{name}_z"] = (out[name] - out["km"]) / se
    return out


def _predict(model: FittedBaseline | pd.Series, months: Sequence[float]) -> np.ndarray:
    """A model's retention at the months: a Series is looked up by month, anything else asked."""
    if isinstance(model, pd.Series):
        return model.reindex(list(months)).to_numpy(dtype=float)
    return np.asarray(model.retention(months), dtype=float)


def _months(frame: pd.DataFrame, duration: str, event: str,
            entry: str | None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Tenure and entry in months and the exit flags; ValueError when there is nothing to fit."""
    d, e = durations_events(frame, duration, event)
    a = entry_column(frame, entry, d)
    a = np.zeros_like(d) if a is None else a
    if not e.any():
        raise ValueError(f"no exits in column {event!r} ({d.size} rows): a survival model needs at least one")
    if not (d > a).any():
        raise ValueError("no time at risk: every duration equals its entry tenure")
    return d / CALENDAR_WEEKS_PER_MONTH, a / CALENDAR_WEEKS_PER_MONTH, e


def _weibull_information(t: np.ndarray, a: np.ndarray, e: np.ndarray, shape: float, scale: float) -> np.ndarray:
    """Observed information (minus the Hessian of log L) in (shape, log scale)."""
    log_t, z = np.log(t) - np.log(scale), (t / scale) ** shape
    truncated = a > 0
    log_a = np.log(a[truncated]) - np.log(scale)
    za = (a[truncated] / scale) ** shape
    exits = e.sum()
    d_kk = -exits / shape**2 - (z * log_t**2).sum() + (za * log_a**2).sum()
    d_ks = -exits + (z * (shape * log_t + 1.0)).sum() - (za * (shape * log_a + 1.0)).sum()
    d_ss = -shape**2 * (z.sum() - za.sum())
    return -np.array([[d_kk, d_ks], [d_ks, d_ss]])


def _piecewise_cumulative(months: np.ndarray, edges: np.ndarray, rate: np.ndarray) -> np.ndarray:
    """Cumulative hazard at the months for monthly rates per band (NaN where a band without data is crossed)."""
    overlap = np.clip(np.asarray(months, dtype=float)[:, None], edges[:-1], edges[1:]) - edges[:-1]
    return np.where(overlap > 0, rate * overlap, 0.0).sum(axis=1)
