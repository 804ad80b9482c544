"""Named random streams: each mechanism draws from its own generator derived from the run seed."""

from __future__ import annotations

import zlib

import numpy as np


class Streams:
    """`streams["absence"]` is a Generator that depends only on the run seed and the name.

    Adding a mechanism with a new stream therefore leaves the draws of the others unchanged.
    """

    def __init__(self, entropy: int):
        self.entropy = int(entropy)
        self._streams: dict[str, np.random.Generator] = {}

    def __getitem__(self, name: str) -> np.random.Generator:
        if name not in self._streams:
            seq = np.random.SeedSequence(self.entropy, spawn_key=(zlib.crc32(name.encode()),))
            self._streams[name] = np.random.default_rng(seq)
        return self._streams[name]


def entropy_from(rng: int | np.random.Generator | np.random.SeedSequence | None) -> int:
    """An integer seed from whatever the caller passed as `rng`."""
    if rng is None:
        return int(np.random.SeedSequence().entropy % 2**63)
    if isinstance(rng, np.random.SeedSequence):
        return int(rng.generate_state(2, np.uint64)[0] >> np.uint64(1))
    if isinstance(rng, np.random.Generator):
        return int(rng.integers(0, 2**63 - 1))
    return int(rng)
