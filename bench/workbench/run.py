"""The workbench under load: collectors taking the next account, opening it, recording the call.

    .venv/bin/python bench/workbench/run.py [--accounts 1000000] [--collectors 100]
        [--seconds 120] [--think 0] [--workers 2] [--keep] [--write]

Builds a PostgreSQL database of ``--accounts`` accounts (``portfolio.py``:
the demo through the real import path, copied in SQL), assigns them to
``--collectors`` collectors, plans the day, serves the app with
``arrears serve``, and runs that many simulated collectors at once (asyncio
and httpx, one client each, signed in once). Each loop is what a collector
does on the phone: ``POST /workbench/next`` (the next account is taken and
locked for them), ``GET /workbench/accounts/<id>`` (the 360 view with the
compliance banner and the script), ``POST .../outcome`` (a disposition: nine
in ten "no answer", one in ten "promise"). ``--think`` seconds pass between
steps (0: as fast as the server answers — a stress test, far beyond 100
people on the phone); collectors start at random moments within their first
loop, as people do, rather than all in the same second; a few untimed calls
first warm the worker processes up (rulebooks, scripts and templates load on
the first 360 view), as on a server that has been up all day. Latency is measured
per step by the client; p50, p95 and p99 and the error count go to
docs/benchmarks.md with ``--write``.

``--keep`` keeps the PostgreSQL cluster in ``var/bench/workbench/pg`` and
reuses it on the next run with the same ``--accounts`` (building a million
accounts takes a quarter of an hour; the plan date is the day it was built,
so rebuild on another day). ``--workers`` is passed to ``arrears serve``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import re
import signal
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from datetime import date, timedelta
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bench.common import ROOT, machine, now, write_section
from bench.workbench.portfolio import ARREARS, PASSWORD, build, cli

WORK = ROOT / "var" / "bench" / "workbench"
PORT = 8123
CSRF = re.compile(r'name="csrf" value="([^"]+)"')
WARM_UP = 6  # collectors making one untimed call each, spread over the worker processes
LOGIN_TOKEN = re.compile(r'name="login_token" value="([^"]+)"')
POINT = re.compile(r'<select id="point_id" name="point_id">\s*<option value="(\d+)"')


class Collector:
    """One simulated collector with their own session."""

    def __init__(
        self, base: str, username: str, timings: dict[str, list[float]], errors: dict[str, int]
    ) -> None:
        self.client = httpx.AsyncClient(base_url=base, follow_redirects=False, timeout=30)
        self.username = username
        self.timings = timings
        self.errors = errors
        self.csrf = ""
        self.loops = 0
        self.recording = True  # False while warming the server up

    async def sign_in(self) -> None:
        form = await self.client.get("/workbench/login")
        token = LOGIN_TOKEN.search(form.text)
        assert token, "no login form"
        answer = await self.client.post(
            "/workbench/login",
            data={"username": self.username, "password": PASSWORD, "login_token": token.group(1)},
        )
        assert answer.status_code == 303, answer.text[:200]
        page = await self.client.get("/workbench")
        found = CSRF.search(page.text)
        assert found, "no csrf on the queue page"
        self.csrf = found.group(1)

    async def timed(self, step: str, call) -> httpx.Response | None:
        if not self.recording:
            return await call
        start = time.perf_counter()
        try:
            response = await call
        except httpx.HTTPError:
            self.errors[step] += 1
            return None
        self.timings[step].append((time.perf_counter() - start) * 1000)
        if response.status_code >= 400:
            self.errors[step] += 1
            self.errors[f"{step}: {response.status_code}"] += 1
        return response

    async def one_call(self, think: float) -> bool:
        """Next account, open it, record the outcome; False when the queue is empty."""
        taken = await self.timed(
            "next account", self.client.post("/workbench/next", data={"csrf": self.csrf})
        )
        if taken is None or taken.status_code != 303:
            return taken is not None
        location = taken.headers["location"]
        if "/accounts/" not in location:
            return False
        await asyncio.sleep(think)
        page = await self.timed("open 360 view", self.client.get(location))
        if page is None or page.status_code != 200:
            return True
        await asyncio.sleep(think)
        data = {"csrf": self.csrf, "disposition": "no_answer", "note": "bench"}
        point = POINT.search(page.text)
        if point:
            data["point_id"] = point.group(1)
        self.loops += 1
        if self.loops % 10 == 0:
            data.update(
                disposition="promise",
                amount="50",
                due_on=(date.today() + timedelta(days=7)).isoformat(),
            )
        await self.timed("record outcome", self.client.post(f"{location}/outcome", data=data))
        await asyncio.sleep(think)
        return True


async def load(
    base: str, users: list[str], seconds: float, think: float
) -> tuple[dict[str, list[float]], dict[str, int], int]:
    timings: dict[str, list[float]] = defaultdict(list)
    errors: dict[str, int] = defaultdict(int)
    collectors = [Collector(base, u, timings, errors) for u in users]
    for batch in range(0, len(collectors), 10):  # sign in ten at a time (Argon2 is slow on purpose)
        await asyncio.gather(*(c.sign_in() for c in collectors[batch : batch + 10]))
    await warm_up(collectors[:WARM_UP])
    deadline = time.perf_counter() + seconds

    async def work(c: Collector, start: float) -> None:
        await asyncio.sleep(start)  # people do not all press "next" in the same second
        while time.perf_counter() < deadline and await c.one_call(think):
            pass

    stagger = random.Random(7)
    await asyncio.gather(*(work(c, stagger.uniform(0, max(think, 1.0) * 3)) for c in collectors))
    for c in collectors:
        await c.client.aclose()
    return timings, errors, sum(c.loops for c in collectors)


async def warm_up(collectors: list[Collector]) -> None:
    """A few untimed calls first, as a server that has been up all day has had.

    Each worker process loads the rulebooks, call scripts and templates on its
    first 360 view; without this the slowest samples of a short run are those
    first loads, not the load the run is measuring.
    """
    for c in collectors:
        c.recording = False
    await asyncio.gather(*(c.one_call(0.0) for c in collectors))
    for c in collectors:
        c.recording, c.loops = True, 0


def quantile(values: list[float], q: float) -> float:
    if len(values) < 2:
        return values[0] if values else float("nan")
    return statistics.quantiles(values, n=100, method="inclusive")[int(q * 100) - 1]


def serve(env: dict[str, str], workers: int) -> subprocess.Popen[bytes]:
    process = subprocess.Popen(
        [ARREARS, "serve", "--port", str(PORT), "--workers", str(workers)],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    for _ in range(300):
        try:
            if httpx.get(f"http://127.0.0.1:{PORT}/health", timeout=1).status_code == 200:
                return process
        except httpx.HTTPError:
            time.sleep(0.2)
    raise SystemExit("the app did not start")


def report(
    args: argparse.Namespace, times: dict[str, float], runs: list[tuple[float, tuple]]
) -> str:
    lines = [
        "## Workbench under load (`bench/workbench/run.py`)",
        "",
        f"Measured {now()} on {machine()}.",
        f"PostgreSQL with {args.accounts:,} accounts (built in "
        + ", ".join(f"{k} {v:.0f} s" for k, v in times.items())
        + f"); {args.collectors} simulated collectors at once against `arrears serve --workers "
        f"{args.workers}` on the same machine as the database and the load generator; "
        f"{args.seconds:.0f} s a run, after {WARM_UP} untimed calls that warm the workers up.",
        "",
        "| think time | step | requests | p50 (ms) | p95 (ms) | p99 (ms) | errors |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for think, (timings, errors, _loops) in runs:
        for step in ("next account", "open 360 view", "record outcome"):
            values = timings.get(step, [])
            lines.append(
                f"| {think:g} s | {step} | {len(values):,} | {quantile(values, 0.5):.0f} | "
                f"{quantile(values, 0.95):.0f} | {quantile(values, 0.99):.0f} | "
                f"{errors.get(step, 0)} |"
            )
    lines += ["", "Targets: p95 < 150 ms and p99 < 300 ms for each step, no errors."]
    return "\n".join(lines)


def database(keep: bool) -> contextlib.AbstractContextManager[str]:
    from tests.fixtures.postgres import postgres_server

    return postgres_server(WORK / "pg" if keep else None)


def built(url: str, accounts: int, keep: bool) -> dict[str, float]:
    """Build the database, or reuse the kept one (its build times were saved with it)."""
    record = WORK / "pg" / f"built-{accounts}.json"
    if keep and record.exists():
        env = {**os.environ, "ARREARS_DATABASE_URL": url, "ARREARS_VAR_DIR": str(WORK)}
        cli(env, "db", "upgrade")  # the code may have moved on since the build
        return dict(json.loads(record.read_text()))
    if keep and list(record.parent.glob("built-*.json")):
        raise SystemExit(f"{record.parent} holds another size: delete it to rebuild")
    times = build(url, accounts, WORK)
    if keep:
        record.write_text(json.dumps(times))
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=1_000_000)
    parser.add_argument("--collectors", type=int, default=100)
    parser.add_argument("--seconds", type=float, default=120)
    parser.add_argument("--think", type=float, nargs="+", default=[2.0, 0.0])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--keep", action="store_true", help="keep and reuse the database")
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()
    WORK.mkdir(parents=True, exist_ok=True)

    with database(args.keep) as server:
        url = server.rsplit("/", 1)[0] + "/postgres"
        times = built(url, args.accounts, args.keep)
        print("built:", {k: round(v, 1) for k, v in times.items()}, flush=True)
        env = {**os.environ, "ARREARS_DATABASE_URL": url, "ARREARS_VAR_DIR": str(WORK)}
        app = serve(env, args.workers)
        try:
            users = [f"bench.{i:03d}" for i in range(args.collectors)]
            runs = []
            for think in args.think:
                result = asyncio.run(load(f"http://127.0.0.1:{PORT}", users, args.seconds, think))
                print(f"think {think}: {result[2]} calls, errors {dict(result[1])}", flush=True)
                runs.append((think, result))
        finally:
            os.killpg(app.pid, signal.SIGTERM)
            app.wait(timeout=30)
    body = report(args, times, runs)
    print(body)
    if args.write:
        write_section("workbench", body)


if __name__ == "__main__":
    main()
