"""`agentsim view`: the web viewer on this machine only, over an existing database."""

from __future__ import annotations

from typing import Annotated

import typer

from agentsim.cli.dbpath import DB_HELP


def view(
    db: Annotated[str | None, typer.Option(help=DB_HELP)] = None,
    port: Annotated[int, typer.Option(min=0, max=65535, help="TCP port on 127.0.0.1")] = 8000,
    open_browser: Annotated[bool, typer.Option("--open", help="also open the runs page in your browser")] = False,
    log_level: Annotated[str, typer.Option(help="uvicorn log level")] = "warning",
) -> None:
    """Browse runs, episodes and comparisons in a browser (http://127.0.0.1:PORT; works offline)."""
    from agentsim.api.settings import ApiSettings
    from agentsim.cli.dbpath import existing_db

    url = existing_db(db)
    # loopback only and your own database: the marker's sheets are yours to see, as with `cases show --reveal`
    settings = ApiSettings(db=url, viewer_full_cases=True)

    import uvicorn

    from agentsim.api.app import create_app

    address = f"http://127.0.0.1:{port}/"
    typer.echo(f"agentsim viewer on {address} (reading {url}); Ctrl-C to stop", err=True)
    if open_browser:
        import threading
        import webbrowser

        threading.Timer(1.0, webbrowser.open, args=(address,)).start()
    uvicorn.run(create_app(settings), host="127.0.0.1", port=port, log_level=log_level)
