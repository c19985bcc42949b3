"""``/api/projects``: the projects, their scenes (read, create, update, delete, restore,
history, findings), the check report, promises, canon, contracts, members and the audit
log. Every write is a commit by the caller (:mod:`.gitwrite`) and an audit entry."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field

from novelforge.server import scenes
from novelforge.server.core import ApiError
from novelforge.server.deps import Caller, Member, caller, member, server
from novelforge.server.gitwrite import Author, Conflict, write_file
from novelforge.server.projects import BadPath, read_bytes, revision, scene_path
from novelforge.server.roles import SIGNED_IN, Role, rule

router = APIRouter(prefix="/api/projects", tags=["projects"])
MAX_SCENE = 1024 * 1024
SCENE = "/{project}/scenes/{scene_id}"


class SceneWrite(BaseModel):
    text: str = Field(max_length=MAX_SCENE)
    revision: str = Field(pattern=r"^[0-9a-f]{40}$", description="the revision the text was edited from")
    message: str = Field("", max_length=500)


class SceneCreate(BaseModel):
    path: str = Field(max_length=512, description="manuscript/<chapter>/<name>.md")
    text: str = Field(max_length=MAX_SCENE)
    message: str = Field("", max_length=500)


class SceneRestore(BaseModel):
    path: str = Field(max_length=512)


class Grant(BaseModel):
    username: str = Field(max_length=64)
    role: Literal["owner", "editor", "viewer"]


def _author(m: Member) -> Author:
    return Author(m.user.name, m.user.email)


def _scene(m: Member, scene_id: str):
    found = scenes.find(m.project, scene_id) if len(scene_id) <= 200 else None
    if found is None:
        raise ApiError(404, "not found")
    return found


def _conflict(exc: Conflict) -> JSONResponse:
    current = exc.current
    return JSONResponse({"error": "the scene changed since you opened it; your text was not saved",
                         "current": {"text": None if current is None else current.decode("utf-8", "replace"),
                                     "revision": revision(current)}}, status_code=409)


def _write(request: Request, m: Member, rel: str, text: str | None, expected: str | None, action: str,
           message: str):
    if text is not None:
        problems = scenes.blocking(m.project, rel, text)
        if problems:
            raise ApiError(422, f"`{rel}` was not saved: {problems[0]['message']}", findings=problems)
    try:
        done = write_file(m.project, rel, None if text is None else text.encode("utf-8"), expected=expected,
                          author=_author(m), message=message)
    except Conflict as exc:
        return _conflict(exc)
    except BadPath as exc:
        raise ApiError(422, str(exc)) from None
    server(request).store.audit(action, user=m.user, project=m.project.name, obj=rel, commit=done.commit,
                                address=m.caller.address)
    body = {"path": rel, "commit": done.commit, "revision": done.revision}
    if text is not None:
        body["findings"] = scenes.findings(m.project, rel)
    return body


@router.get("")
@rule(SIGNED_IN)
def list_projects(request: Request, who: Caller = Depends(caller)) -> list[dict]:
    """The projects you are a member of, with your role."""
    srv = server(request)
    return [{"name": name, "role": role} for name, role in srv.store.projects_of(who.user.id).items()
            if srv.projects.get(name) is not None]


@router.get("/{project}")
@rule(Role.VIEWER)
def project_outline(m: Member = Depends(member)) -> dict:
    """The project's title, chapters and scenes (with each scene's revision)."""
    return {**scenes.outline(m.project), "role": m.role.name.lower()}


@router.get("/{project}/scenes")
@rule(Role.VIEWER)
def list_scenes(m: Member = Depends(member)) -> list[dict]:
    """Every scene in reading order."""
    return [scenes.scene_summary(s) for s in scenes.load(m.project).scenes]


@router.get(SCENE)
@rule(Role.VIEWER)
def read_scene(scene_id: str, m: Member = Depends(member)) -> dict:
    """One scene: its whole text (front matter and prose) and its revision."""
    return scenes.scene_view(m.project, _scene(m, scene_id))


@router.put(SCENE)
@rule(Role.EDITOR)
def update_scene(scene_id: str, body: SceneWrite, request: Request, m: Member = Depends(member)):
    """Save a scene: a commit by you. `revision` is the one you edited; if the scene
    changed since, 409 with its current text and nothing is saved."""
    found = _scene(m, scene_id)
    message = body.message.strip() or f"Edit {found.path}"
    return _write(request, m, found.path, body.text, body.revision, "scene-update", message)


@router.post("/{project}/scenes", status_code=201)
@rule(Role.EDITOR)
def create_scene(body: SceneCreate, request: Request, m: Member = Depends(member)):
    """Add a scene at `path` (manuscript/<chapter>/<name>.md); 409 if the file exists."""
    try:
        rel = scene_path(body.path)
    except BadPath as exc:
        raise ApiError(422, str(exc)) from None
    return _write(request, m, rel, body.text, None, "scene-create", body.message.strip() or f"Add {rel}")


@router.delete(SCENE)
@rule(Role.EDITOR)
def delete_scene(scene_id: str, revision: str, request: Request, m: Member = Depends(member)):
    """Remove a scene (a commit that deletes the file; `restore` brings it back).
    `revision` must be the scene's current one."""
    found = _scene(m, scene_id)
    return _write(request, m, found.path, None, revision, "scene-delete", f"Remove {found.path}")


@router.post("/{project}/scenes/restore", status_code=201)
@rule(Role.EDITOR)
def restore_scene(body: SceneRestore, request: Request, m: Member = Depends(member)):
    """Bring back a removed scene from history, as it was before it was removed."""
    from novelforge.server.gitwrite import last_version

    try:
        rel = scene_path(body.path)
        if read_bytes(m.project, rel) is not None:
            raise ApiError(409, f"`{rel}` exists; there is nothing to restore")
    except BadPath as exc:
        raise ApiError(422, str(exc)) from None
    old = last_version(m.project, rel)
    if old is None:
        raise ApiError(404, "not found")
    return _write(request, m, rel, old.decode("utf-8", "replace"), None, "scene-restore", f"Restore {rel}")


@router.get(SCENE + "/history")
@rule(Role.VIEWER)
def scene_history(scene_id: str, m: Member = Depends(member)) -> list[dict]:
    """The commits that changed the scene, newest first."""
    from novelforge.server.gitwrite import history

    return history(m.project, _scene(m, scene_id).path)


@router.get(SCENE + "/findings")
@rule(Role.VIEWER)
def scene_findings(scene_id: str, m: Member = Depends(member)) -> list[dict]:
    """The check's findings in one scene."""
    return scenes.findings(m.project, _scene(m, scene_id).path)


@router.get("/{project}/check")
@rule(Role.VIEWER)
def check(m: Member = Depends(member), format: Literal["json", "sarif"] = "json") -> Response:
    """The check report of the whole book, as JSON (docs/json-format.md) or SARIF 2.1.0."""
    media = "application/sarif+json" if format == "sarif" else "application/json"
    return Response(scenes.rendered(m.project, format), media_type=media)


@router.get("/{project}/promises")
@rule(Role.VIEWER)
def promises(m: Member = Depends(member)) -> Response:
    """The promise ledger as JSON (docs/promises.md)."""
    return Response(scenes.promises_json(m.project), media_type="application/json")


@router.get("/{project}/canon")
@rule(Role.VIEWER)
def canon(m: Member = Depends(member)) -> list[dict]:
    """The canon entries: kind, id, name, aliases, summary."""
    return scenes.canon(m.project)


@router.get("/{project}/contracts")
@rule(Role.VIEWER)
def contracts(m: Member = Depends(member)) -> list[dict]:
    """The contracts, by their full id."""
    return scenes.contracts(m.project)


@router.get("/{project}/members")
@rule(Role.VIEWER)
def members(request: Request, m: Member = Depends(member)) -> list[dict]:
    """Who is in the project, with their roles."""
    return [{"username": x.username, "name": x.name, "role": x.role}
            for x in server(request).store.members(m.project.name)]


@router.post("/{project}/members")
@rule(Role.OWNER)
def grant(body: Grant, request: Request, m: Member = Depends(member)) -> dict:
    """Give an account a role (a new member or a new role); the last owner cannot be demoted."""
    return change_membership(request, m, "grant", body.username, body.role)


@router.delete("/{project}/members/{username}")
@rule(Role.OWNER)
def revoke(username: str, request: Request, m: Member = Depends(member)) -> dict:
    """Remove a member (not the last owner)."""
    return change_membership(request, m, "revoke", username, None)


def change_membership(request: Request, m: Member, action: str, username: str, role: str | None) -> dict:
    from novelforge.server.store import StoreError

    store = server(request).store
    try:
        if role is None:
            store.revoke(m.project.name, username)
        else:
            store.grant(m.project.name, username, role)
    except StoreError as exc:
        # the same words for an account that does not exist and one that is not a member
        raise ApiError(409 if "owner" in exc.message else 422,
                       exc.message if "owner" in exc.message else f"`{username[:64]}` cannot be changed here") from None
    store.audit(f"member-{action}", user=m.user, project=m.project.name, obj=username, detail=role,
                address=m.caller.address)
    return {"ok": True}


@router.get("/{project}/audit")
@rule(Role.OWNER)
def audit(request: Request, m: Member = Depends(member), limit: int = 200) -> list[dict]:
    """The project's audit log, newest first: who did what, when, the commit, the address."""
    return [e.as_dict() for e in server(request).store.audit_log(m.project.name, min(max(limit, 1), 1000))]
