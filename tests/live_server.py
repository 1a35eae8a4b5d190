"""A real uvicorn server on a random loopback port, in a thread of the test process, for tests
that talk HTTP to the API as a client would."""
from __future__ import annotations

import threading
import time

import uvicorn

from advisor.web.app import WebConfig, create_app


class LiveServer:
    def __init__(self, config: WebConfig | None = None):
        self.app = create_app(config or WebConfig())
        self.server = uvicorn.Server(uvicorn.Config(self.app, host="127.0.0.1", port=0,
                                                    log_level="error", timeout_keep_alive=5))
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> "LiveServer":
        self.thread.start()
        deadline = time.monotonic() + 60
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the test server did not start")
            time.sleep(0.02)
        self.port = self.server.servers[0].sockets[0].getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(30)
