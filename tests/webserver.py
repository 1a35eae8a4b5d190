"""A real server for the web tests: uvicorn on a free loopback port, in a thread, stopped after."""
from __future__ import annotations

import contextlib
import socket
import threading
import time
from typing import Iterator


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def app_with_pages():
    """The app `iso-advisor serve` runs when it exists (advisor.web.app), else the pages alone."""
    try:
        from advisor.web.app import create_app
    except ImportError:
        from fastapi import FastAPI
        from advisor.web.pages import router
        app = FastAPI()
        app.include_router(router)
        return app
    return create_app()


@contextlib.contextmanager
def running(app) -> Iterator[str]:
    """Serve `app` on 127.0.0.1 and yield its base URL."""
    import uvicorn
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="error",
                                           lifespan="off"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    for _ in range(200):
        if server.started:
            break
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
