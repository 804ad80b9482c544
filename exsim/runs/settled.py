"""Settled organisations computed once and reused: every what-if that starts from the same one shares its burn-in.

A settled organisation depends only on its settling config and seed (exsim.config.settling). The
first run that needs one builds and settles it and keeps a pickled copy in this process; later
runs with the same key start from a copy, which is identical to settling again (the random
streams are part of the copy). Runs grouped by key in one task (`group_by_settling`) share it.
"""

from __future__ import annotations

import pickle
from collections import OrderedDict

from exsim.config import ScenarioConfig
from exsim.config.settling import settling_config, settling_key
from exsim.model import OrgModel

CACHE_BYTES = 512 * 2**20  # bytes of pickled organisations kept per process (assumption: a few at 100k people)

_settled: OrderedDict[str, bytes] = OrderedDict()


def start_model(config: ScenarioConfig, seed: int, settle_under: ScenarioConfig | None = None) -> OrgModel:
    """A model ready to record week 1: settled under its own config, or under `settle_under`'s (then `config` from week 1)."""
    if settle_under is None:
        return OrgModel(config, rng=seed)
    settling = settling_config(settle_under, config)
    model = pickle.loads(_settled_snapshot(settling, seed))
    model.continue_as(config)
    return model


def _settled_snapshot(settling: ScenarioConfig, seed: int) -> bytes:
    key = settling_key(settling, seed)
    if key in _settled:
        _settled.move_to_end(key)
        return _settled[key]
    snapshot = pickle.dumps(OrgModel(settling, rng=seed), protocol=pickle.HIGHEST_PROTOCOL)
    _settled[key] = snapshot
    while sum(map(len, _settled.values())) > CACHE_BYTES and len(_settled) > 1:
        _settled.popitem(last=False)
    return snapshot


def group_key(config: ScenarioConfig, seed: int, settle_under: ScenarioConfig | None) -> str:
    """Runs with the same group key start from the same settled organisation."""
    return settling_key(settling_config(settle_under, config) if settle_under is not None else config, seed)
