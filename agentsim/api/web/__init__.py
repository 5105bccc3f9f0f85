"""The web viewer: runs, a run's report, episodes as transcripts, comparisons, live episodes.

Server-rendered Jinja2 pages and a little vanilla JavaScript; every asset ships in this package, so it
works with no network. Served by `agentsim serve` (beside the API) and `agentsim view`.
"""

from __future__ import annotations

from fastapi import FastAPI


def install(app: FastAPI) -> None:
    from fastapi.staticfiles import StaticFiles

    from agentsim.api.web import access, pages
    from agentsim.api.web.render import HERE

    app.include_router(access.router)
    app.include_router(pages.router)
    app.mount("/view/static", StaticFiles(directory=HERE / "static"), name="view_static")
