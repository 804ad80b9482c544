"""`exsim dashboard`: start the dashboard app and print its address; no outbound connections."""

from __future__ import annotations

import os
import sys

import click

# Solara's own settings: no telemetry; web assets only from the local solara-assets cache (its proxy
# would otherwise fetch a missing asset from the public CDN: an unreachable local address makes that
# a 404); no "runs on Solara" banner over the plots.
SOLARA_ENV = {"SOLARA_TELEMETRY_MIXPANEL_ENABLE": "false", "SOLARA_ASSETS_CDN": "http://127.0.0.1:9/npm/",
              "SOLARA_THEME_SHOW_BANNER": "false"}


def solara_command(host: str, port: int) -> list[str]:
    """The Solara server command: production mode, no browser opened, no check of PyPI for a newer version."""
    return [sys.executable, "-m", "solara", "run", "exsim.dashboard.app", "--host", host, "--port", str(port),
            "--production", "--no-open", "--no-check-version"]


@click.command()
@click.option("--port", type=click.IntRange(1, 65535), default=8765, show_default=True, help="Port to serve on.")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to bind; 127.0.0.1 keeps it on this machine, 0.0.0.0 opens it to the network.")
def dashboard(port: int, host: str) -> None:
    """Start the educators' dashboard in the browser: lessons, levers, live plots against the baseline, org chart."""
    click.echo(f"exsim dashboard: open http://{host}:{port}/ in a browser (Ctrl-C stops it)", err=True)
    os.environ.update(SOLARA_ENV)
    command = solara_command(host, port)
    os.execvp(command[0], command)
