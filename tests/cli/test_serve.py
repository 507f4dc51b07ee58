"""``arrears serve``: the web app as an operator starts it, in one process or several."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_for(url: str, seconds: float = 90) -> httpx.Response:
    deadline = time.monotonic() + seconds
    while True:
        try:
            return httpx.get(url, timeout=5)
        except httpx.TransportError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)


def test_two_worker_processes_serve_the_staff_pages_and_stop_cleanly(tmp_path: Path) -> None:
    env = {**os.environ, "ARREARS_VAR_DIR": str(tmp_path),
           "ARREARS_CONFIG_DIR": str(ROOT / "config"),
           "ARREARS_DATABASE_URL": f"sqlite:///{tmp_path / 'serve.db'}"}  # fmt: skip
    arrears = [sys.executable, "-m", "arrears"]
    subprocess.run([*arrears, "db", "upgrade"], env=env, check=True, capture_output=True)
    port = _free_port()
    server = subprocess.Popen([*arrears, "serve", "--workers", "2", "--port", str(port)],
                              env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              text=True)  # fmt: skip
    try:
        health = _wait_for(f"http://127.0.0.1:{port}/health")
        login = httpx.get(f"http://127.0.0.1:{port}/workbench/login", timeout=10)
    finally:
        server.send_signal(signal.SIGINT)
        output, _ = server.communicate(timeout=60)
    assert health.status_code == 200
    assert login.status_code == 200 and 'name="login_token"' in login.text
    assert output.count("Started server process") == 2, output  # uvicorn's line, once per worker
    assert server.returncode == 0, output
