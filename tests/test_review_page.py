"""The review page (`browse`, `make review`): Datasette serving a demo database on 127.0.0.1
with the project's metadata, loaded in headless Chromium as a reader would load it.

Chromium is Debian's `chromium` package: installed here when missing (as root, with apt), and
the tests skip, saying why, only where it cannot be. `UPDATE_README=1` also writes the
screenshot the README shows (docs/review-page.png), as it rewrites the README's outputs.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from html import unescape
from pathlib import Path

import pytest

from helpers import REPO, run_cli
from receivers import free_port

APT = ["apt-get", "-o", "DPkg::Lock::Timeout=300", "-o", "Acquire::Retries=2"]
SCREENSHOT = REPO / "docs" / "review-page.png"


def _install_chromium() -> str:
    """The path of `chromium`, installing Debian's package first when it is missing."""
    found = shutil.which("chromium")
    if found:
        return found
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        pytest.skip("the review page test needs Debian's `chromium`: not installed, and it "
                    "can be installed only as root with apt-get (apt-get install chromium)")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    install = [*APT, "install", "-y", "--no-install-recommends", "chromium"]
    result = None
    for step in (install, [*APT, "update"], install):  # the package lists may be missing
        result = subprocess.run(step, env=env, capture_output=True, text=True, timeout=900)
        if step is install and result.returncode == 0:
            break
    found = shutil.which("chromium")
    if not found:
        pytest.skip(f"the review page test needs Debian's `chromium`, and `apt-get install "
                    f"chromium` failed: {result.stderr.strip()[-500:]}")
    return found


@pytest.fixture(scope="module")
def chromium() -> str:
    return _install_chromium()


def _get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo's database, with one source gone quiet and one alert dead, so the canned
    queries for those have something to find."""
    db = tmp_path_factory.mktemp("review") / "demo.db"
    result = run_cli("demo", "--db", str(db))
    assert result.returncode == 0, result.stderr
    conn = sqlite3.connect(db)
    with conn:
        conn.execute("UPDATE sources SET last_new_entry = strftime('%Y-%m-%dT%H:%M:%SZ', "
                     "'now', '-5 days') WHERE name = 'demo-de'")
        conn.execute("UPDATE alerts SET status = 'dead', last_error = 'HTTP 410' "
                     "WHERE id = (SELECT min(id) FROM alerts)")
    conn.close()
    return db


@pytest.fixture(scope="module")
def review(demo_db: Path) -> Iterator[str]:
    """`browse` in a child process, as `make review` runs it; yields its base URL. Stopped
    with SIGTERM, which must end it (no server left behind)."""
    port = free_port()
    server = subprocess.Popen([sys.executable, str(REPO / "run.py"), "browse", "--db",
                               str(demo_db), "--port", str(port)], cwd=REPO,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and server.poll() is None:
            try:
                if _get(base + "/-/versions.json")[0] == 200:
                    break
            except OSError:
                pass  # not listening yet
            time.sleep(0.2)
        else:
            server.kill()
            pytest.fail(f"browse did not serve within 60 s: {server.communicate()[0]}")
        yield base
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            output = server.communicate(timeout=20)[0]
        except subprocess.TimeoutExpired:
            server.kill()
            output = server.communicate()[0]
            pytest.fail(f"browse ignored SIGTERM for 20 s: {output}")
    assert f"Serving {demo_db} at {base}/demo" in output


def _page(chromium: str, url: str, tmp_path: Path, *options: str) -> str:
    """The page's DOM after its scripts ran (fetches included), or with --screenshot its
    picture; a fresh profile each time, so parallel runs share nothing."""
    result = subprocess.run(
        [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
         "--hide-scrollbars", f"--user-data-dir={tmp_path / 'profile'}",
         "--window-size=1280,1400", "--virtual-time-budget=15000", *options, url],
        capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


def _figures(db: Path) -> set[tuple[int, float, str]]:
    """(year, value, organisation) of every figure with an organisation: the year the figure
    is about, else its article's."""
    conn = sqlite3.connect(db)
    rows = conn.execute(
        "SELECT h.year, coalesce(a.published, a.fetched), h.value, o.name FROM hits h "
        "JOIN articles a ON a.id = h.article_id JOIN organisations o ON o.id = h.organisation "
        "WHERE h.kind = 'metric'").fetchall()
    conn.close()
    return {(year or int(date[:4]), value, name) for year, date, value, name in rows}


POINT = re.compile(r'aria-label="year: (\d+); value: ([\d.e+]+); organisation: ([^"]+)"')


def test_the_chart_draws_every_figure_of_the_demo(chromium: str, review: str, demo_db: Path,
                                                  tmp_path: Path) -> None:
    dom = _page(chromium, f"{review}/-/dashboards/figures", tmp_path, "--dump-dom")
    points = {(int(year), float(value), unescape(name))
              for year, value, name in POINT.findall(dom)}
    expected = _figures(demo_db)
    assert len(expected) >= 15
    assert points == expected
    # one panel per metric, titled with its name; the Yakutia residents as a line over years
    for metric in ("Выручка и объем производства", "Инвестиции", "Резиденты", "Площадь"):
        assert f"Title text '{metric}'" in dom
    assert {(2025, 34.0), (2026, 120.0), (2027, 150.0)} <= {
        (year, value) for year, value, name in points if name == "Технопарк «Якутия»"}
    screenshot = tmp_path / "review-page.png"
    _page(chromium, f"{review}/-/dashboards/figures", tmp_path, f"--screenshot={screenshot}")
    picture = screenshot.read_bytes()
    assert picture[:8] == b"\x89PNG\r\n\x1a\n" and picture[12:16] == b"IHDR"
    assert (int.from_bytes(picture[16:20], "big"), int.from_bytes(picture[20:24], "big")) == (
        1280, 1400)
    if os.environ.get("UPDATE_README"):
        shutil.copyfile(screenshot, SCREENSHOT)
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert SCREENSHOT.is_file() and "(docs/review-page.png)" in readme


def test_tables_and_views_carry_titles_and_facets(chromium: str, review: str,
                                                  tmp_path: Path) -> None:
    dom = _page(chromium, f"{review}/demo/hits_view", tmp_path, "--dump-dom")
    assert "Hits with their articles" in dom
    facets = json.loads(_get(f"{review}/demo/hits_view.json")[1])["facet_results"]
    assert {"source", "organisation_name", "metric_name", "kind"} <= set(facets)
    sources = {row["value"] for row in facets["source"]["results"]}
    assert sources == {"demo-ru", "demo-en", "demo-de"}
    for table, facet in (("hits", "organisation"), ("articles", "source"),
                         ("alerts", "status")):
        body = json.loads(_get(f"{review}/demo/{table}.json")[1])
        assert facet in body["facet_results"], table
    home = _page(chromium, f"{review}/demo", tmp_path, "--dump-dom")
    for title in ("This morning's hits", "An organisation's figures over time",
                  "Sources that went quiet", "Dead alerts", "Hits never reviewed"):
        assert title in unescape(home)
    for hidden in ("story_bands", "articles_lemmas"):  # index rows, not for reading
        assert hidden not in home


def _rows(review: str, query: str, **params: str) -> list[dict]:
    status, body = _get(f"{review}/demo/{query}.json?_shape=array&"
                        + urllib.parse.urlencode(params))
    assert status == 200, body[:500]
    return json.loads(body)


def test_canned_queries_answer_on_the_demo(review: str, demo_db: Path) -> None:
    conn = sqlite3.connect(demo_db)
    stored = conn.execute("SELECT count(*) FROM hits WHERE kind != 'candidate'").fetchone()[0]
    conn.close()
    assert len(_rows(review, "this_morning")) == stored  # the demo stored them just now
    assert _rows(review, "this_morning", since="2999-01-01") == []
    yakutia = _rows(review, "organisation_figures", organisation="technopark-yakutia")
    assert yakutia == _rows(review, "organisation_figures", organisation="Якутия»")
    assert {(r["metric"], r["year"], r["value"]) for r in yakutia} >= {
        ("Резиденты", 2025, 34), ("Резиденты", 2027, 150),
        ("Выручка и объем производства", 2026, 1.5e9)}
    quiet = _rows(review, "quiet_sources")
    assert [row["name"] for row in quiet] == ["demo-de"] and 4.9 < quiet[0]["days_quiet"] < 5.1
    assert _rows(review, "quiet_sources", days="6") == []
    dead = _rows(review, "dead_alerts")
    assert len(dead) == 1 and dead[0]["last_error"] == "HTTP 410" and dead[0]["title"]
    assert len(_rows(review, "unreviewed")) == stored  # nobody has marked a demo hit


def test_browse_on_a_port_in_use_says_so_before_serving(demo_db: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run_cli("browse", "--db", str(demo_db), "--port", str(port), timeout=60)
    assert result.returncode == 2
    assert "Serving" not in result.stdout
    assert f"cannot serve on 127.0.0.1:{port}" in result.stderr
    assert f"PORT={port + 1}" in result.stderr


def test_browse_refuses_a_file_that_is_not_a_monitor_database(tmp_path: Path) -> None:
    other = tmp_path / "other.db"
    sqlite3.connect(other).execute("CREATE TABLE t (x)").connection.close()
    result = run_cli("browse", "--db", str(other), "--port", str(free_port()), timeout=60)
    assert result.returncode == 2
    assert "not a technopark-monitor database" in result.stderr
