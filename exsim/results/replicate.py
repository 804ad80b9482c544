"""One replicate's tables: what the runners return and the writer combines (pandas only, so any layer can import it)."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd


@dataclass
class ReplicateResult:
    """The tables of one replicate run."""

    replicate: int
    seed: int
    tables: dict[str, pd.DataFrame]
