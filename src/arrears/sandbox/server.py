"""Run an ASGI app with uvicorn in a background thread (sandboxes, tests, demos).

``port=0`` picks a free port; :attr:`ServerThread.port` tells which. ``start``
returns once uvicorn is listening; ``stop`` asks it to finish and joins.
"""

from __future__ import annotations

import threading
import time
from typing import Any

import uvicorn

START_TIMEOUT = 15.0


class ServerThread:
    """One uvicorn server on ``host:port`` in a daemon thread."""

    def __init__(
        self, app: Any, *, host: str = "127.0.0.1", port: int = 0, log_level: str = "warning"
    ) -> None:
        config = uvicorn.Config(app, host=host, port=port, log_level=log_level, lifespan="on")
        self.host = host
        self.port = port
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, name="uvicorn", daemon=True)

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self) -> ServerThread:
        self._thread.start()
        deadline = time.monotonic() + START_TIMEOUT
        while not self._server.started:
            if not self._thread.is_alive():
                raise RuntimeError(f"the server on {self.host}:{self.port} did not start")
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"the server on {self.host}:{self.port} is not listening")
            time.sleep(0.01)
        sockets = [sock for server in self._server.servers for sock in server.sockets]
        if sockets:
            self.port = int(sockets[0].getsockname()[1])
        return self

    def stop(self) -> None:
        self._server.should_exit = True
        if self._thread.is_alive():
            self._thread.join()

    def __enter__(self) -> ServerThread:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
