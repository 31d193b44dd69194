"""The review page: a database opened in Datasette on 127.0.0.1 (`browse`, `make review`) with
the project's metadata, monitor/browse.yml: titles and descriptions of the tables and views,
facets, canned queries, and datasette-dashboards' chart of each organisation's figures over
time (its vega scripts are in its wheel, so the page draws offline).

Datasette names a database after its file (db/demo.db is "demo"), and both the metadata and
the dashboards' queries name the database they are for: browse.yml is written for
db/monitor.db ("monitor", so `datasette db/monitor.db -m monitor/browse.yml` works as it is)
and renamed here for whichever file is opened.
"""

from __future__ import annotations

import socket
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

HOST = "127.0.0.1"
"""Datasette runs any read-only SQL it is sent: only this machine may send it. Serving it
further is a choice to make with Datasette itself (and its permissions), not a flag here."""
WRITTEN_FOR = "monitor"
"""The database name browse.yml uses."""
DASHBOARD = "figures"
"""The dashboard with the chart of figures over time, at /-/dashboards/figures."""


def metadata(database: str) -> dict[str, Any]:
    """browse.yml with its database named `database`, as Datasette will name the file."""
    text = resources.files("monitor").joinpath("browse.yml").read_text(encoding="utf-8")
    meta = yaml.safe_load(text)
    meta["databases"] = {database: meta["databases"][WRITTEN_FOR]}
    for dashboard in meta["plugins"]["datasette-dashboards"].values():
        for part in (*dashboard.get("filters", {}).values(), *dashboard["charts"].values()):
            if part.get("db") == WRITTEN_FOR:
                part["db"] = database
    return meta


def database_name(db_path: Path) -> str:
    """The name Datasette gives the one file it serves (its URL path)."""
    return db_path.stem


def port_problem(port: int) -> str | None:
    """Why HOST:port cannot be served (another `browse` holds it, say), or None. Asked before
    saying where the page is: uvicorn says "serving" first and only then fails to bind."""
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((HOST, port))
        except OSError as exc:
            return exc.strerror or str(exc)
    return None


def serve(db_path: Path, port: int) -> None:
    """Datasette on HOST:port until SIGINT or SIGTERM, in this process (a stopped `browse`
    leaves no server behind), given the metadata as data rather than a file to clean up."""
    import uvicorn  # a web stack: imported only to serve
    from datasette.app import Datasette

    datasette = Datasette(
        [str(db_path)], metadata=metadata(database_name(db_path)),
        # articles' texts and snippets are cut in tables, whole on a row's own page
        settings={"truncate_cells_html": 300})
    uvicorn.run(datasette.app(), host=HOST, port=port, log_level="info")
