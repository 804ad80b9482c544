"""`exsim dashboard`: start the SolaraViz app and print its address."""

from __future__ import annotations

import os
import sys

import click


@click.command()
@click.option("--port", type=click.IntRange(1, 65535), default=8765, show_default=True, help="Port to serve on.")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to bind; 127.0.0.1 keeps it on this machine, 0.0.0.0 opens it to the network.")
def dashboard(port: int, host: str) -> None:
    """Start the educators' dashboard (Mesa SolaraViz) in the browser: levers, org chart, live KPIs, lessons."""
    click.echo(f"exsim dashboard: open http://{host}:{port}/ in a browser (Ctrl-C stops it)", err=True)
    os.execvp(sys.executable, [sys.executable, "-m", "solara", "run", "exsim.dashboard.app", "--host", host,
                               "--port", str(port), "--production", "--no-open"])
