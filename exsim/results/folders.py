"""Output folders are exsim's own: exsim writes into a folder only if it is new or one exsim wrote.

An exsim results folder holds `manifest.json` with an `exsim_version` key. Any other existing
folder (a thesis, a project folder, the working directory) is left untouched and the command
stops with a message naming the folder and `--out`. Temporary siblings that a killed write left
behind (`.NAME.tmp-PID-*`, `.NAME.old-PID`) are removed by the next write to the same place.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path

from exsim.errors import UserError

MANIFEST = "manifest.json"
MAX_NAME = 100
_UNSAFE = re.compile(r"[^A-Za-z0-9._+=,@-]+")
_LEFTOVER = re.compile(r"^\.(?P<name>.+)\.(?:tmp-(?P<pid>\d+)-[^.]+|old-(?P<old>\d+)|[A-Za-z0-9_]+\.tmp)$")


def is_exsim_folder(folder: Path) -> bool:
    """True when `folder` holds a manifest that exsim wrote."""
    try:
        manifest = json.loads((Path(folder) / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(manifest, dict) and "exsim_version" in manifest


def foreign_files(folder: Path) -> list[str]:
    """Files in an exsim folder that its manifest does not list (a user's own notes, say).

    Manifests from before the file list was kept list nothing; their folders count as exsim's whole.
    """
    manifest = json.loads((Path(folder) / MANIFEST).read_text(encoding="utf-8"))
    written = manifest.get("files")
    if not isinstance(written, list):
        return []
    present = {p.relative_to(folder).as_posix() for p in Path(folder).rglob("*") if p.is_file() or p.is_symlink()}
    return sorted(present - set(written) - {MANIFEST})


def safe_name(text: str, fallback: str = "scenario") -> str:
    """`text` as a single safe folder name: no separators, no leading dot, at most 100 characters."""
    name = _UNSAFE.sub("-", text.strip()).strip("-.")[:MAX_NAME].strip("-.")
    return name or fallback


def default_output(name: str, root: Path = Path("results")) -> Path:
    """`results/<safe name>`: a folder directly under `root`, whatever the scenario is called."""
    return Path(root) / safe_name(name)


def claim_output(out: Path | str, option: str = "--out") -> Path:
    """Check that exsim may write its results to `out`; return it (a symlink resolved to its target).

    Raises UserError, naming the folder and `option`, when `out` is empty, the working directory or
    one of its parents, a file, below a file, or an existing folder that exsim did not write (or one
    holding files exsim did not write). Leftovers of killed writes beside `out` are removed.
    """
    if str(out).strip() == "":
        raise UserError(f"{option} is empty; give a folder name such as {option} results/my-run")
    out = Path(out)
    if out.is_symlink():
        out = out.resolve()
    _refuse_working_directory(out, option)
    _refuse_files_on_the_way(out, option)
    if out.exists():
        _refuse_foreign_folder(out, option)
    clean_leftovers(out)
    return out


def clean_leftovers(out: Path) -> list[Path]:
    """Remove temporary siblings of `out` left by killed writes (whose process is gone); return them."""
    parent = Path(out).parent
    if not parent.is_dir():
        return []
    removed = []
    for entry in parent.iterdir():
        match = _LEFTOVER.match(entry.name)
        if not match or match["name"] != Path(out).name:
            continue
        pid = match["pid"] or match["old"]
        if pid is not None and process_alive(int(pid)):
            continue
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry, ignore_errors=True)
        else:
            entry.unlink(missing_ok=True)
        removed.append(entry)
    return removed


def temporary_sibling(out: Path) -> Path:
    """A new empty folder beside `out`, named so that `clean_leftovers` knows it as ours."""
    for attempt in range(1000):
        tmp = out.parent / f".{out.name}.tmp-{os.getpid()}-{attempt}"
        try:
            tmp.mkdir()
        except FileExistsError:
            continue
        return tmp
    raise OSError(f"cannot create a temporary folder beside {out}")


def _refuse_working_directory(out: Path, option: str) -> None:
    here = Path.cwd().resolve()
    target = out.resolve()
    if target == here or target in here.parents:
        raise UserError(f"{option} {out}: that is the working directory{' or one of its parents' if target != here else ''}; "
                        f"exsim writes into a folder of its own, e.g. {option} results/my-run")


def _refuse_files_on_the_way(out: Path, option: str) -> None:
    for folder in [out, *out.parents]:
        if folder.exists() and not folder.is_dir():
            what = "is a file" if folder == out else f"lies below {folder}, which is a file"
            raise UserError(f"{option} {out}: {what}; give a folder path, e.g. {option} results/my-run")
        if folder.is_dir():
            return


def _refuse_foreign_folder(out: Path, option: str) -> None:
    if not is_exsim_folder(out):
        if not any(out.iterdir()):
            return
        raise UserError(f"{option} {out}: that folder exists and exsim did not write it, so exsim will not replace "
                        f"it (your files stay as they are); choose a new folder, e.g. {option} {out}/exsim-results")
    stray = foreign_files(out)
    if stray:
        shown = ", ".join(stray[:5]) + (f" and {len(stray) - 5} more" if len(stray) > 5 else "")
        raise UserError(f"{option} {out}: that results folder also holds files exsim did not write ({shown}); "
                        f"move them out first, or choose another folder with {option}")


def process_alive(pid: int) -> bool:
    """Whether a process with this id exists (ours counts as alive): a temporary file's writer."""
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
