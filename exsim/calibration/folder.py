"""A calibration's output folder: claimed before anything is written, resumed only with the same settings.

The folder holds manifest.json (written first, so `claim_output` knows the folder as exsim's), the
Optuna study (study.db), a lock held while a calibration runs, and the outputs. A rerun resumes the
study only when the data file, the resolved config and the parameter ranges are the same; any
other folder that exsim did not write is refused before anything is created.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import exsim
from exsim.errors import UserError
from exsim.results.folders import MANIFEST, claim_output, is_exsim_folder, process_alive

try:
    import fcntl
except ImportError:  # Windows: no lock, one calibration per folder is up to the user
    fcntl = None

KIND = "calibration"
STUDY = "study.db"
LOCK = "study.lock"
FILES = (STUDY, f"{STUDY}-journal", f"{STUDY}-wal", f"{STUDY}-shm", LOCK, "calibrated.toml", "report.md", "fit.csv",
         "parameters.csv", "candidates.csv", "segments.csv", "segment_shape.csv", "figures/curve.png", "figures/trials.png")
_TEMPORARY = re.compile(r"^\.(?P<name>.+)\.tmp-(?P<pid>\d+)$")


def study_settings(data: Path, config: dict, parameters: dict[str, tuple[float, float]],
                   reading: dict | None = None) -> dict:
    """What must not change between a study and its resumption: the data's content, how it is read
    (design, held-out share), the config, the ranges."""
    settings = {"data": str(Path(data).resolve()), "data_sha256": hashlib.sha256(Path(data).read_bytes()).hexdigest(),
                "config": config, "parameters": {k: list(v) for k, v in parameters.items()}, **(reading or {})}
    return json.loads(json.dumps(settings, default=str))  # as it reads back from the manifest


def read_manifest(out: Path) -> dict | None:
    """The manifest of a calibration folder, or None when `out` is not one."""
    try:
        manifest = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return manifest if isinstance(manifest, dict) and manifest.get("kind") == KIND else None


def claim_calibration_folder(out: Path, settings: dict) -> Path:
    """Check that the calibration may write to `out` (creating nothing); return the folder to use.

    `out` may be new, an empty folder, or a calibration folder begun with the same settings (then
    the study resumes). A folder exsim did not write, another kind of exsim results folder, or a
    calibration with other settings is refused with a UserError naming the folder and --out.
    """
    manifest = read_manifest(Path(out)) if Path(out).is_dir() else None
    if manifest is not None:
        _check_same_settings(Path(out), manifest.get("settings"), settings)
    if manifest is not None or _only_own_temporaries(Path(out)):
        _remove_own_temporaries(Path(out))
    out = claim_output(out)
    _check_writable(out)
    if manifest is None and is_exsim_folder(out):
        raise UserError(f"--out {out}: that folder holds other exsim results, not a calibration; choose a new "
                        "folder for the calibration, e.g. --out results/calibration")
    return out


def _check_writable(out: Path) -> None:
    """The folder, or the nearest folder above it that exists, can be written to."""
    existing = next(folder for folder in [out, *out.parents] if folder.exists())
    if not os.access(existing, os.W_OK | os.X_OK):
        raise UserError(f"--out {out}: cannot write to {existing} (permission denied); choose a folder you can "
                        "write to with --out")


def _check_same_settings(out: Path, old: dict | None, new: dict) -> None:
    if old is None:
        return
    changed = [name for name in ("data_sha256", "config", "parameters") if old.get(name) != new[name]]
    if changed:
        what = {"data_sha256": "the data file", "config": "the config (--config, --set, --years, --replicates, "
                "--seed)", "parameters": "--params"}
        raise UserError(f"--out {out}: that folder holds a calibration with different settings "
                        f"({', '.join(what[c] for c in changed)} changed); rerun with the same options to resume it, "
                        "or choose a new folder with --out")


def _only_own_temporaries(out: Path) -> bool:
    """Whether `out` holds nothing but a manifest that a killed calibration was writing (its first file)."""
    entries = list(out.iterdir()) if out.is_dir() and not out.is_symlink() else []
    matches = [_TEMPORARY.match(entry.name) for entry in entries]
    return bool(entries) and all(m and m["name"] == MANIFEST and not process_alive(int(m["pid"])) for m in matches)


def _remove_own_temporaries(out: Path) -> None:
    """Temporary files a killed calibration left while replacing one of its own outputs."""
    own = {Path(name).name for name in (*FILES, MANIFEST)}
    for path in [out, out / "figures"]:
        if not path.is_dir():
            continue
        for entry in path.iterdir():
            match = _TEMPORARY.match(entry.name)
            if match and match["name"] in own and entry.is_file() and not process_alive(int(match["pid"])):
                entry.unlink(missing_ok=True)


def write_manifest(out: Path, settings: dict, command: str, **extra) -> None:
    """manifest.json (atomically): exsim's mark on the folder, the files it may hold, the study's settings."""
    manifest = {"kind": KIND, "command": command, "exsim_version": exsim.__version__, "settings": settings,
                "files": list(FILES), **extra}
    tmp = out / f".{MANIFEST}.tmp-{os.getpid()}"
    tmp.write_text(json.dumps(manifest, indent=2, default=str) + "\n", encoding="utf-8")
    os.replace(tmp, out / MANIFEST)


@contextmanager
def calibration_folder(out: Path, settings: dict, command: str) -> Iterator[Path]:
    """Create `out` with its manifest (if new) and hold its lock; yield the study's path."""
    out.mkdir(parents=True, exist_ok=True)
    if read_manifest(out) is None:
        write_manifest(out, settings, command)
    with open(out / LOCK, "a+", encoding="utf-8") as lock:
        try:
            if fcntl is not None:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise UserError(f"--out {out}: another exsim calibrate is writing to that folder; wait for it to finish "
                            "or choose another folder with --out") from None
        yield out / STUDY
