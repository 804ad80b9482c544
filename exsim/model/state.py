"""Agent state as numpy arrays owned by the model: one row per seat, one row per customer account."""

from __future__ import annotations

import numpy as np

STAFF_FLOATS = (
    "tenure_weeks", "skill", "engagement", "disposition", "resilience", "strain", "burnout", "trust_manager",
    "trust_org", "support", "peer_help", "peer_engagement", "perk_effect", "workload",
    "absent_days", "absent_days_total", "manager_quality", "training_gain", "growth", "contagion_exposure",
    "contagion", "customer_mood", "trust_credit",
)
CUSTOMER_FLOATS = ("satisfaction", "tenure_weeks", "leniency")


class StaffState:
    """Per-seat arrays. A vacant seat keeps its row; the next hire overwrites it."""

    def __init__(self, n_seats: int):
        self.occupied = np.zeros(n_seats, dtype=bool)
        self.agent_id = np.full(n_seats, -1, dtype=np.int64)
        self.hire_week = np.zeros(n_seats, dtype=np.int64)
        self.long_absence_weeks_left = np.zeros(n_seats, dtype=np.int64)
        self.trained_week = np.full(n_seats, -1, dtype=np.int64)  # week a manager's training began
        self.promoted = np.zeros(n_seats, dtype=bool)  # an untrained promoted top performer
        self.referral = np.zeros(n_seats, dtype=bool)  # hired through a referral
        for name in STAFF_FLOATS:
            setattr(self, name, np.zeros(n_seats, dtype=np.float64))

    @property
    def on_long_absence(self) -> np.ndarray:
        return self.long_absence_weeks_left > 0

    def present_share(self) -> np.ndarray:
        """Share of the week each seat is worked: 0 when vacant or absent all week."""
        return self.occupied * (1.0 - self.absent_days / 5.0)


class CustomerState:
    """Per-customer arrays with a free list: rows of churned customers are reused by new ones."""

    def __init__(self, capacity: int):
        self.active = np.zeros(capacity, dtype=bool)
        self.agent_id = np.full(capacity, -1, dtype=np.int64)
        self.account_seat = np.full(capacity, -1, dtype=np.int64)
        for name in CUSTOMER_FLOATS:
            setattr(self, name, np.zeros(capacity, dtype=np.float64))

    @property
    def capacity(self) -> int:
        return len(self.active)

    def free_rows(self, n: int) -> np.ndarray:
        """Rows for n new customers, growing the arrays when needed."""
        free = np.flatnonzero(~self.active)
        if len(free) < n:
            self._grow(max(n - len(free), self.capacity // 2 + 1))
            free = np.flatnonzero(~self.active)
        return free[:n]

    def _grow(self, extra: int) -> None:
        for name, arr in list(vars(self).items()):
            fill = {np.dtype(bool): False, np.dtype(np.int64): -1}.get(arr.dtype, 0.0)
            setattr(self, name, np.concatenate([arr, np.full(extra, fill, dtype=arr.dtype)]))
