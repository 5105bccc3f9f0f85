"""Jinja2 templates for the viewer and the filters they share. Autoescaped: case text and model output
are data, never markup."""

from __future__ import annotations

from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse

HERE = Path(__file__).parent


@cache
def environment() -> Any:  # a jinja2.Environment; jinja2 is imported only when a page is first drawn
    from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

    env = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=select_autoescape(["html"]),
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters.update(money=money, pct=pct, num=num, when=when, short=short, plain=plain)
    return env


def page(request: Request, template: str, **context: Any) -> HTMLResponse:
    settings = request.app.state.settings
    html = environment().get_template(template).render(
        request=request, auth=settings.api_token is not None, **context)
    return HTMLResponse(html)


def error_page(request: Request, status: int, detail: str) -> HTMLResponse:
    response = page(request, "error.html", title=f"{status}", status=status, detail=detail)
    response.status_code = status
    return response


def plain(value: Any) -> str:
    """A payload value as a reader wants it: lists joined, mappings as key: value, never a Python repr."""
    if isinstance(value, list | tuple):
        return ", ".join(plain(v) for v in value) or "none"
    if isinstance(value, dict):
        return "; ".join(f"{k}: {plain(v)}" for k, v in value.items()) or "none"
    return "-" if value is None else str(value)


def money(value: float | None) -> str:
    return "-" if value is None else f"${value:,.0f}"


def pct(value: float | None) -> str:
    return "-" if value is None else f"{100 * value:.0f}%"


def num(value: float | None, fmt: str = ".2f") -> str:
    return "-" if value is None else format(value, fmt)


def when(value: datetime | None) -> str:
    return "-" if value is None else f"{value:%Y-%m-%d %H:%M}"


def short(value: str | None, n: int = 8) -> str:
    return "-" if not value else value[:n]
