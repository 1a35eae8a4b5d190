"""`iso-advisor serve`: the web app and HTTP API (advisor.web) on uvicorn, on this machine only
unless an API key is set."""
from __future__ import annotations

import ipaddress
import threading
import time
import webbrowser
from pathlib import Path

import click

from advisor.cli.app import Settings, cli, pass_settings

API_KEY_ENV = "ISO_ADVISOR_API_KEY"


def is_loopback(host: str) -> bool:
    """True when `host` can be reached from this machine only."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False                     # a host name: it may resolve to anything


@cli.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Interface to listen on. Beyond the loopback interface an API key is required.")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True,
              help="Port to listen on (0: any free port; the one chosen is printed).")
@click.option("--no-browser", is_flag=True, help="Do not open the web page in a browser.")
@click.option("--api-key", envvar=API_KEY_ENV, show_envvar=True, default=None,
              help="Require this key on every API call ('Authorization: Bearer KEY' or "
                   "'X-API-Key: KEY'); needed to listen beyond localhost.")
@click.option("--claim-rules", type=click.Path(path_type=Path), default=None,
              help="Use this claim rule base folder instead of the shipped one (rules/claims).")
@pass_settings
def serve_command(settings: Settings, host: str, port: int, no_browser: bool,
                  api_key: str | None, claim_rules: Path | None) -> None:
    """Serve the web questionnaire and the HTTP API (OpenAPI at /openapi.json, docs at /docs).

    Needs the web extra: pip install 'iso-advisor[web]'. Stop it with Ctrl-C.
    """
    if not is_loopback(host) and not api_key:
        raise click.UsageError(f"--host {host} can be reached from other machines; set an API "
                               f"key with --api-key KEY (or {API_KEY_ENV}) to serve there",
                               ctx=click.get_current_context())
    if api_key is not None and len(api_key) < 16:
        raise click.BadParameter("use at least 16 characters (for example from "
                                 "`python -c 'import secrets; print(secrets.token_urlsafe())'`)",
                                 param_hint="--api-key")
    try:
        import uvicorn

        from advisor.web.app import WebConfig, create_app
    except ImportError as exc:
        raise click.ClickException(f"the web server needs the web extra ({exc.name} is "
                                   "missing): pip install 'iso-advisor[web]'") from None
    app = create_app(WebConfig(rules=settings.rules, claim_rules=claim_rules,
                               engine=settings.engine, api_key=api_key))
    server = uvicorn.Server(uvicorn.Config(app, host=host, port=port, log_level="warning",
                                           timeout_keep_alive=5, server_header=False))
    threading.Thread(target=_announce, args=(server, host, not no_browser), daemon=True).start()
    server.run()


def _announce(server, host: str, browse: bool) -> None:
    """Once listening: the address on stderr (the port, when 0 was asked), then the browser."""
    while not server.started:
        if server.should_exit:
            return
        time.sleep(0.05)
    port = server.servers[0].sockets[0].getsockname()[1]
    shown = f"[{host}]" if ":" in host else host
    url = f"http://{shown}:{port}/"
    click.echo(f"iso-advisor is serving on {url} (API: {url}v1/, OpenAPI: {url}openapi.json, "
               "docs: {url}docs); Ctrl-C stops it".replace("{url}", url), err=True)
    if browse:
        webbrowser.open(url)
