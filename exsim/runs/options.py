"""Command-line options shared by the commands that run simulations (run, compare, sweep, ...)."""

from __future__ import annotations

import click

from exsim.errors import UserError


def dask_option(command):
    """--dask: run on a Dask cluster instead of local processes."""
    return click.option("--dask", metavar="ADDRESS|local",
                        help="Run on a Dask cluster: a scheduler address such as tcp://HOST:8786, or 'local' "
                             "to start a LocalCluster with --workers workers.")(command)


def executor_or_fail(workers: int | None, dask: str | None):
    """The executor for --workers/--dask; an unreachable or malformed scheduler address is a UserError."""
    from exsim.runs.executors import make_executor

    try:
        return make_executor(workers, dask)
    except (OSError, ValueError, TypeError) as exc:
        raise UserError(f"--dask {dask}: cannot reach a Dask scheduler there ({exc}); give an address such as "
                        "tcp://HOST:8786, or 'local' to start one on this machine") from None
