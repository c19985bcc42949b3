"""What the admin commands do (``novelforge users …``, ``novelforge members …``), as
library calls: each opens the database under ``data_dir``, changes it, and records the
change in the audit log (address ``cli``)."""

from __future__ import annotations

import re
from pathlib import Path

from novelforge.server.store import Member, Store, StoreError, User

PROJECT_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,127}")


def check_project_name(project: str) -> str:
    if not PROJECT_NAME.fullmatch(project or "") or project.endswith(".git"):
        raise StoreError(f"`{project}` is not a project name: the name of a folder under --projects")
    return project


def add_user(data_dir: Path, username: str, password: str, *, name: str = "", email: str = "") -> User:
    from novelforge.server.passwords import check_strength, hash_password

    problem = check_strength(password)
    if problem:
        raise StoreError(problem)
    store = Store(data_dir)
    user = store.add_user(username, name or username, email or f"{username}@novelforge.invalid",
                          hash_password(password))
    store.audit("user-add", obj=username, address="cli")
    return user


def set_password(data_dir: Path, username: str, password: str) -> None:
    from novelforge.server.passwords import check_strength, hash_password

    problem = check_strength(password)
    if problem:
        raise StoreError(problem)
    store = Store(data_dir)
    store.set_password(username, hash_password(password))
    store.audit("user-passwd", obj=username, address="cli")


def set_disabled(data_dir: Path, username: str, disabled: bool = True) -> None:
    store = Store(data_dir)
    store.set_disabled(username, disabled)
    store.audit("user-disable" if disabled else "user-enable", obj=username, address="cli")


def users(data_dir: Path) -> list[User]:
    return Store(data_dir).users()


def grant(data_dir: Path, project: str, username: str, role: str) -> None:
    store = Store(data_dir)
    store.grant(check_project_name(project), username, role)
    store.audit("member-grant", project=project, obj=username, detail=role, address="cli")


def revoke(data_dir: Path, project: str, username: str) -> None:
    store = Store(data_dir)
    store.revoke(check_project_name(project), username)
    store.audit("member-revoke", project=project, obj=username, address="cli")


def members(data_dir: Path, project: str) -> list[Member]:
    return Store(data_dir).members(check_project_name(project))
