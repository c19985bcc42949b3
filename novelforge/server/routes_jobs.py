"""``/api/projects/{project}/jobs``: start an export or a check report in the background,
follow its state and progress, download its result (:mod:`.jobs`)."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Depends, Request
from fastapi.responses import FileResponse
from pydantic import BaseModel, Field

from novelforge.server.core import ApiError
from novelforge.server.deps import Member, member, server
from novelforge.server.roles import Role, rule

router = APIRouter(prefix="/api/projects", tags=["jobs"])
EXPORT_FORMATS = ("docx", "docx-reading", "epub", "md", "html", "txt")


class JobStart(BaseModel):
    kind: Literal["export", "check"]
    format: str = Field(max_length=20, description="export: docx, docx-reading, epub, md, html, txt; "
                                                   "check: json, sarif")


def _jobs(request: Request):
    return server(request).jobs


@router.post("/{project}/jobs", status_code=202)
@rule(Role.VIEWER)
def start_job(body: JobStart, request: Request, m: Member = Depends(member)) -> dict:
    """Queue an export of the book or a check report; answers at once with the job."""
    allowed = EXPORT_FORMATS if body.kind == "export" else ("json", "sarif")
    if body.format not in allowed:
        raise ApiError(422, f"`{body.format[:20]}` is not a format of {body.kind}; use one of: {', '.join(allowed)}")
    job = _jobs(request).submit(m.project.name, body.kind, body.format, m.user.id)
    server(request).store.audit(f"job-{body.kind}", user=m.user, project=m.project.name, obj=job["id"],
                                detail=body.format, address=m.caller.address)
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
    found = _jobs(request).result_path(m.project.name, job_id[:64])
    if found is None:
        raise ApiError(404, "not found")
    path, media, filename = found
    return FileResponse(path, media_type=media, filename=filename)
