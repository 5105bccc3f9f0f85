"""/cases: the case library. The doctor-visible brief for anyone; the whole case for the admin only."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query
from fastapi.security import HTTPAuthorizationCredentials

from agentsim.api import crud
from agentsim.api.deps import PageDep, SettingsDep, bearer_scheme
from agentsim.api.errors import NOT_FOUND
from agentsim.api.middleware import token_matches
from agentsim.api.models import CaseBrief, CaseSummary, ErrorBody, Page
from agentsim.model.case import Case, Specialty

router = APIRouter(prefix="/cases", tags=["cases"])
Credentials = Annotated[HTTPAuthorizationCredentials | None, Depends(bearer_scheme)]


@router.get("", response_model=Page[CaseSummary], summary="List the case library")
def list_cases(
    page: PageDep,
    specialty: Annotated[Specialty | None, Query(description="only this specialty")] = None,
    difficulty: Annotated[int | None, Query(ge=1, le=3, description="only this difficulty")] = None,
) -> Page[CaseSummary]:
    cases = [c for c in crud.library_cases()
             if (specialty is None or c.specialty == specialty) and (difficulty is None or c.difficulty == difficulty)]
    chosen = cases[page.offset: page.offset + page.limit]
    return Page[CaseSummary](items=[crud.case_summary(c) for c in chosen], total=len(cases), limit=page.limit,
                             offset=page.offset)


@router.get("/{case_id}", response_model=CaseBrief | Case,
            responses={**NOT_FOUND, 403: {"model": ErrorBody, "description": "`full=true` without the admin token"}},
            summary="A case's doctor-visible brief (or, for the admin, the whole case)")
def get_case(
    case_id: str, settings: SettingsDep, credentials: Credentials,
    full: Annotated[bool, Query(description="the whole case: diagnosis, facts, results, rubric. Needs "
                                            "`Authorization: Bearer <AGENTSIM_ADMIN_TOKEN>`")] = False,
) -> CaseBrief | Case:
    case = crud.find_case(case_id)
    if case is None:
        raise HTTPException(404, detail=f"no case {case_id!r}")
    if not full:
        return crud.case_brief(case)
    admin = settings.admin_token.get_secret_value() if settings.admin_token else None
    if admin is None:
        raise HTTPException(403, detail="full cases are disabled on this server (no AGENTSIM_ADMIN_TOKEN)")
    if not token_matches(credentials.credentials if credentials else None, admin):
        raise HTTPException(403, detail="full=true needs the admin token")
    return case
