"""Command-line options shared by the commands that run simulations (run, compare, sweep, ...)."""

from __future__ import annotations

from pathlib import Path

import click

from exsim.errors import UserError


def dask_option(command):
    """--dask: run on a Dask cluster instead of local processes."""
    return click.option("--dask", metavar="ADDRESS|local",
                        help="Run on a Dask cluster: a scheduler address such as tcp://HOST:8786, or 'local' "
                             "to start a LocalCluster with --workers workers.")(command)


def sensitivity_option(command):
    """--sensitivity: an `exsim sensitivity` output folder whose dominant levers the report's caveats name."""
    return click.option("--sensitivity", type=click.Path(file_okay=False, path_type=Path), metavar="FOLDER",
                        help="The --out folder of an `exsim sensitivity` run: the report's caveats name the levers "
                             "that dominate each of its outcomes.")(command)


def executor_or_fail(workers: int | None, dask: str | None):
    """The executor for --workers/--dask; an unreachable or malformed scheduler address is a UserError."""
    from exsim.runs.executors import make_executor

    try:
        return make_executor(workers, dask)
    except (OSError, ValueError, TypeError) as exc:
        raise UserError(f"--dask {dask}: cannot reach a Dask scheduler there ({exc}); give an address such as "
                        "tcp://HOST:8786, or 'local' to start one on this machine") from None


def output_option(default=None, help_text: str = "Output folder."):
    """--out: an output folder path; an empty value is a mistake, not the working directory."""

    def refuse_empty(ctx, param, value):
        if value is not None and str(value).strip() == "":
            raise click.BadParameter("is empty; give a folder name, e.g. --out results/my-run")
        return None if value is None else Path(value)

    return click.option("--out", type=click.Path(file_okay=False), default=default, show_default=default is not None,
                        callback=refuse_empty, help=help_text)
