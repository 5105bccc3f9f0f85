"""`agentsim serve`: the REST API under uvicorn."""

from __future__ import annotations

from typing import Annotated

import typer


def serve(
    host: Annotated[str, typer.Option(help="interface to listen on; anything but loopback needs AGENTSIM_API_TOKEN")]
    = "127.0.0.1",
    port: Annotated[int, typer.Option(min=0, max=65535, help="TCP port")] = 8000,
    db: Annotated[str | None, typer.Option(help="database URL or SQLite path [env AGENTSIM_DB; ./agentsim.db]")]
    = None,
    log_level: Annotated[str, typer.Option(help="uvicorn log level")] = "info",
) -> None:
    """Serve the REST API (runs, episodes, turns, scores, cases; docs at /docs) and the web viewer at /."""
    # the token comes from the environment only: a --token flag would show in `ps` and shell history
    from agentsim.api.settings import MIN_PUBLIC_TOKEN_LENGTH, ApiSettings
    from agentsim.errors import UserError

    settings = ApiSettings(db=db) if db else ApiSettings()
    if not is_loopback(host):
        if settings.api_token is None:
            raise UserError(f"refusing to listen on {host} without AGENTSIM_API_TOKEN: set a token, "
                            "or listen on 127.0.0.1")
        if len(settings.api_token.get_secret_value()) < MIN_PUBLIC_TOKEN_LENGTH:
            raise UserError(f"refusing to listen on {host} with a short AGENTSIM_API_TOKEN: a token guarding a "
                            f"public address needs at least {MIN_PUBLIC_TOKEN_LENGTH} characters "
                            "(e.g. `python -c 'import secrets; print(secrets.token_urlsafe(32))'`)")

    import uvicorn

    from agentsim.api.app import create_app
    from agentsim.store.db import get_engine

    get_engine(settings.db_url)  # a bad --db is one line and exit 2 here, not a traceback at startup
    uvicorn.run(create_app(settings), host=host, port=port, log_level=log_level)


def is_loopback(host: str) -> bool:
    """Only addresses that cannot be reached from another machine. A host name other than localhost
    may resolve anywhere, so it counts as exposed."""
    import ipaddress

    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False
