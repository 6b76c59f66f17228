"""The API refuses what it would otherwise answer with a quiet nothing.

Two mistakes used to look like an empty archive: a filter naming a source or
domain no article carries (`/changes?source=nosuch`, a typo or a source that
was renamed) and a query parameter the route does not take (`?sorce=x`,
which FastAPI ignores, so the filter silently did not apply). The first is a
400 saying which names the archive does know, as `newsarchive changes
--source nosuch` does; the second a 422 naming the parameter, in FastAPI's
own error shape. Only the JSON API: the pages read their forms themselves.
"""

from __future__ import annotations

import difflib
from typing import Any

from fastapi import Request
from fastapi.dependencies.models import Dependant
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from pydantic import BaseModel
from sqlalchemy.orm import Session

from newsarchive.crawler.web.errors import RequestError
from newsarchive.storage.research.names import unknown_names


def declared_query_names(dependant: Dependant) -> set[str]:
    """Every query parameter a route takes, its dependencies' and query models' fields included."""
    names: set[str] = set()
    for field in dependant.query_params:
        model = field.field_info.annotation
        if isinstance(model, type) and issubclass(model, BaseModel):
            names.update(info.alias or name for name, info in model.model_fields.items())
        else:
            names.add(field.alias)
    for sub in dependant.dependencies:
        names |= declared_query_names(sub)
    return names


def refuse_unknown_parameters(request: Request) -> None:
    """A router dependency: 422 for any query parameter the matched route does not declare."""
    route = request.scope.get("route")
    if not isinstance(route, APIRoute):
        return
    known = declared_query_names(route.dependant)
    unknown = [name for name in dict.fromkeys(request.query_params.keys()) if name not in known]
    if not unknown:
        return
    raise RequestValidationError([_unknown(name, request.query_params.get(name), known) for name in unknown])


def _unknown(name: str, value: str | None, known: set[str]) -> dict[str, Any]:
    """FastAPI's error shape; the message suggests the likely intended name, ctx lists every one."""
    close = difflib.get_close_matches(name, sorted(known), n=1)
    if close:
        hint = f"; did you mean {close[0]!r}?"
    else:
        hint = " (this endpoint takes none)" if not known else " (ctx.accepted lists what it takes)"
    return {
        "type": "extra_forbidden",
        "loc": ("query", name),
        "msg": f"unknown query parameter {name!r}{hint}",
        "input": value,
        "ctx": {"accepted": sorted(known)},
    }


def check_known_names(session: Session, *, source: str | None, domain: str | None) -> None:
    """400 when a source or domain filter names something no article carries."""
    problems = unknown_names(session, source=source, domain=domain)
    if problems:
        raise RequestError(400, "; ".join(problems))
