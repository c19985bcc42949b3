"""``/api/projects/{project}/jobs``: start an export, a check report or a Writers' Room
review in the background, follow its state and progress, download its result
(:mod:`.jobs`). Any member may start an export or a check and read every job; a review
sends the book to the LLM, which costs money, so starting one needs the editor role."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Depends, Request
from fastapi.responses import FileResponse, Response
from pydantic import BaseModel, Field

from novelforge.server.core import ApiError
from novelforge.server.deps import Member, member, server
from novelforge.server.jobs import formats_of
from novelforge.server.roles import Role, rule

router = APIRouter(prefix="/api/projects", tags=["jobs"])
REVIEW_ROLE = Role.EDITOR          # the least role that may start a review (it costs money)


class JobStart(BaseModel):
    """What to run: `export` (the book), `check` (the check report) or `review` (the
    Writers' Room's LLM review of the whole book, NF701–NF704, reported like check; an
    editor or owner only, since it costs money; an answer already in the cache, from an
    earlier review here or with `novelforge review`, is not asked again)."""

    kind: Literal["export", "check", "review"] = Field(
        description="export or check: any member; review: editor or owner (it sends the book to the LLM)")
    format: str = Field(max_length=20, description="export: docx, docx-reading, epub, md, html, txt; "
                                                   "check and review: json, sarif")


def _jobs(request: Request):
    return server(request).jobs


@router.post("/{project}/jobs", status_code=202)
@rule(Role.VIEWER)
def start_job(body: JobStart, request: Request, m: Member = Depends(member)) -> dict:
    """Queue an export of the book, a check report or a Writers' Room review (editor or
    owner); answers at once with the job."""
    return queue(request, m, body.kind, body.format)


def queue(request: Request, m: Member, kind: str, fmt: str) -> dict:
    """Queue a job of ``kind`` in ``fmt`` for the member ``m`` (the API's and the web
    page's way), with its audit entry. Raises :class:`ApiError` (403: a review below
    :data:`REVIEW_ROLE`; 422: a format the kind does not make)."""
    if kind == "review" and m.role < REVIEW_ROLE:
        raise ApiError(403, f"a review sends the book to the LLM, which costs money: it needs the "
                            f"{REVIEW_ROLE.name.lower()} role in `{m.project.name}`; you are {m.role.name.lower()}")
    allowed = formats_of(kind)
    if fmt not in allowed:
        raise ApiError(422, f"`{fmt[:20]}` is not a format of {kind}; use one of: {', '.join(allowed)}")
    job = _jobs(request).submit(m.project.name, kind, fmt, m.user.id)
    server(request).store.audit(f"job-{kind}", user=m.user, project=m.project.name, obj=job["id"], detail=fmt,
                                address=m.caller.address)
    return job


@router.get("/{project}/jobs")
@rule(Role.VIEWER)
def list_jobs(request: Request, m: Member = Depends(member)) -> list[dict]:
    """The project's latest jobs, newest first."""
    return _jobs(request).list(m.project.name)


@router.get("/{project}/jobs/{job_id}")
@rule(Role.VIEWER)
def job_status(job_id: str, request: Request, m: Member = Depends(member)) -> dict:
    """One job: its state (queued, running, done, failed), progress and message."""
    job = _jobs(request).get(m.project.name, job_id[:64])
    if job is None:
        raise ApiError(404, "not found")
    return job


@router.get("/{project}/jobs/{job_id}/result")
@rule(Role.VIEWER)
def job_result(job_id: str, request: Request, m: Member = Depends(member)):
    """The file a finished job made (the book, or the report)."""
    return result_file(request, m, job_id)


def result_file(request: Request, m: Member, job_id: str) -> Response:
    """The download of job ``job_id``'s result, a file of ``--data/jobs/`` or bytes kept in
    Redis; 404 when it has none (not done, another project's, no such job, kept past its
    days in Redis)."""
    found = _jobs(request).result(m.project.name, job_id[:64])
    if found is None:
        raise ApiError(404, "not found")
    if found.path is not None:
        return FileResponse(found.path, media_type=found.media, filename=found.filename)
    from urllib.parse import quote

    name = quote(found.filename)       # as FileResponse names it
    disposition = f'attachment; filename="{name}"' if name == found.filename else f"attachment; filename*=utf-8''{name}"
    return Response(found.data, media_type=found.media, headers={"Content-Disposition": disposition})
