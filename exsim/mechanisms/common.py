"""Small numeric helpers shared by the mechanisms."""

import math

import numpy as np


def sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def bounded(x, low, high):
    """x held between low and high: np.clip's result, without its overhead per call (a small organisation's
    week makes hundreds of such calls)."""
    return np.minimum(np.maximum(x, low), high)


def smooth_excess(z: np.ndarray | float, width: float) -> np.ndarray:
    """max(z, 0) with the corner rounded over about `width` (softplus): no kink at 0."""
    return width * np.logaddexp(0.0, np.asarray(z, dtype=np.float64) / width)


def saturating_multiplier(log_effect: np.ndarray, ceiling: float) -> np.ndarray:
    """exp(log_effect) near 0, bending smoothly to at most `ceiling` (and at least 1/ceiling).

    M^s(x / ln M) with s(u) = u / sqrt(1 + u^2): slope 1 at x = 0 like exp(x), no kink, symmetric
    in log space, and (unlike tanh) a gradual approach to the ceiling, so response curves bend
    over a wide range instead of flattening abruptly.
    """
    log_ceiling = np.log(np.maximum(ceiling, 1.0 + 1e-9))
    u = np.asarray(log_effect, dtype=np.float64) / log_ceiling
    return np.exp(log_ceiling * u / np.sqrt(1.0 + u * u))


def weekly_probability(rate_per_week: np.ndarray | float) -> np.ndarray | float:
    """Chance of at least one event in a week for a Poisson rate per week."""
    return -np.expm1(-np.asarray(rate_per_week, dtype=np.float64))


def bernoulli_rows(rng: np.random.Generator, n: int, p: float) -> np.ndarray:
    """The rows of range(n), in order, whose trial at chance p succeeds (each row independently).

    Drawn as geometric gaps between successes, so the work grows with the successes (about n p),
    not with n: for rare events over many rows.
    """
    p = min(float(p), 1.0)
    if p <= 0.0 or n == 0:
        return np.empty(0, dtype=np.int64)
    parts, last = [], -1
    while last < n - 1:
        expected = (n - 1 - last) * p
        rows = rng.geometric(p, int(expected + 4.0 * math.sqrt(expected) + 16)).cumsum()
        rows += last
        parts.append(rows[rows < n])
        last = int(rows[-1])
    return parts[0] if len(parts) == 1 else np.concatenate(parts)


def thinned_rows(rng: np.random.Generator, n: int, bound: float, chance_of) -> np.ndarray:
    """The rows of range(n), in order, whose event happens at each row's own chance, `chance_of(rows)`.

    Thinning: candidates are drawn at `bound` (at least any row's chance) by `bernoulli_rows`, and
    each is kept with its chance over the bound; so chances are computed only for the few candidates.
    """
    candidates = bernoulli_rows(rng, n, bound)
    return candidates[rng.random(len(candidates)) * bound < chance_of(candidates)]


def relax(current: np.ndarray, target: np.ndarray, time_constant_weeks: float) -> np.ndarray:
    """One weekly step of first-order relaxation toward the target."""
    return current + (target - current) * (1.0 - np.exp(-1.0 / time_constant_weeks))



def total(amounts: np.ndarray, *prices) -> float:
    """Sum of amounts times their prices; a price is one number or one per row (departments' own prices).

    With one-number prices this is amounts.sum() x price x ..., in that order.
    """
    if not any(isinstance(price, np.ndarray) for price in prices):
        result = amounts.sum()
        for price in prices:
            result = result * price
        return result
    product = amounts
    for price in prices:
        product = product * price
    return product.sum()


def largest(value) -> float:
    """The largest entry of a config value that is one number or one per row (np.max without its call overhead)."""
    return float(value.max()) if isinstance(value, np.ndarray) else float(value)


def mean_value(value) -> float:
    """The mean of a config value that is one number or one per row (np.mean without its call overhead)."""
    return float(value.mean()) if isinstance(value, np.ndarray) else float(value)


def for_rows(value, rows):
    """A config value for some rows: the value itself when it is one number, else its entries at `rows`."""
    return value[rows] if isinstance(value, np.ndarray) else value
