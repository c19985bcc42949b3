"""A bounded load test of `novelforge serve` on 127.0.0.1: N clients (default 20) for T
seconds (default 10) reading and writing the example novel over real HTTP, then the p50,
p95 and p99 latency and the error rate per kind of request. Writes
bench/SERVER_LOAD_RESULTS.md (``--no-write`` only prints). Exit 1 when p95 is over 500 ms
or errors are over 0.1 % (the seed's targets).

The mix each client runs, chosen at random per request: 60 % read one scene, 20 % the
project's outline, 10 % one scene's findings (a check of that scene), 10 % save a scene
the client owns (a git commit; its revision is the one it last read, so a 409 would be a
lost update, counted as an error). Every loop is bounded by the deadline; nothing but
127.0.0.1 is contacted.

    python3 bench/server_load.py [--clients 20] [--seconds 10] [--no-write]
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
EXAMPLE = ROOT / "examples" / "ember-crown"
PASSWORD = "a long benchmark password"
GIT_ENV = {"GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1", "GIT_AUTHOR_NAME": "Bench",
           "GIT_AUTHOR_EMAIL": "bench@example.org", "GIT_COMMITTER_NAME": "Bench",
           "GIT_COMMITTER_EMAIL": "bench@example.org"}


def _repo(target: Path) -> None:
    shutil.copytree(EXAMPLE, target, ignore=shutil.ignore_patterns(".novelforge"))
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("GIT_")}, **GIT_ENV}
    for args in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-q", "-m", "start"]):
        subprocess.run(["git", *args], cwd=target, env=env, check=True)


def _start(tmp: Path):
    """`novelforge serve` as its own process, as a user runs it (its checking process is
    its child): (url, process)."""
    import httpx

    from novelforge.server import admin

    projects, data = tmp / "projects", tmp / "data"
    projects.mkdir()
    _repo(projects / "ember")
    admin.add_user(data, "bench", PASSWORD, name="Bench Writer", email="bench@example.org")
    admin.grant(data, "ember", "bench", "editor")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH")) if p),
           "NOVELFORGE_CACHE_DIR": str(tmp / "cache")}
    proc = subprocess.Popen([sys.executable, "-m", "novelforge", "serve", "--projects", str(projects), "--data",
                             str(data), "--port", str(port), "--insecure-cookies"], env=env, cwd=tmp,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(url + "/readyz", timeout=2).status_code == 200:
                return url, proc
        except httpx.HTTPError:
            pass
        if proc.poll() is not None:
            break
        time.sleep(0.1)
    proc.kill()
    raise SystemExit("novelforge serve did not start")


def _cpu_seconds(pid: int) -> float:
    """CPU time (user + system) of ``pid`` and every process under it (and of the
    children they waited for), from /proc."""
    total, todo = 0.0, [pid]
    tick = os.sysconf("SC_CLK_TCK")
    while todo:
        p = todo.pop()
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
            # its own time and that of its children that ended (git, one per save step)
            total += sum(int(f) for f in fields[11:15]) / tick
            for task in Path(f"/proc/{p}/task").iterdir():
                todo += [int(c) for c in (task / "children").read_text().split()]
        except (OSError, ValueError, IndexError):
            continue
    return total


def _client(url: str, token: str, scene_ids: list[str], own: str, deadline: float, out: list, seed: int,
            reads_only: bool = False) -> None:
    import httpx

    rng = random.Random(seed)
    revision, last_text = None, ""
    with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {token}"}, timeout=30) as c:
        while time.monotonic() < deadline:
            roll = rng.random() * (0.8 if reads_only else 1.0)
            if roll < 0.6:
                kind, call = "read scene", lambda: c.get(f"/api/projects/ember/scenes/{rng.choice(scene_ids)}")
            elif roll < 0.8:
                kind, call = "outline", lambda: c.get("/api/projects/ember")
            elif roll < 0.9:
                kind, call = "findings", lambda: c.get(f"/api/projects/ember/scenes/{rng.choice(scene_ids)}/findings")
            else:
                kind = "save"
                if revision is None:
                    current = c.get(f"/api/projects/ember/scenes/{own}").json()
                    revision, text = current["revision"], current["text"]
                else:
                    text = last_text
                new_text = text + f"\nA line from the benchmark, {time.time():.6f}.\n"

                def call(new_text=new_text, revision=revision):
                    return c.put(f"/api/projects/ember/scenes/{own}", json={"text": new_text, "revision": revision})
            started = time.perf_counter()
            try:
                r = call()
                status = r.status_code
            except Exception:  # a connection error counts as an error
                r, status = None, 599
            elapsed = time.perf_counter() - started
            out.append((kind, elapsed, status))
            if kind == "save" and status == 200:
                revision, last_text = r.json()["revision"], new_text
            elif kind == "save":
                revision = None


def _pct(values: list[float], p: float) -> float:
    if not values:
        return 0.0
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def run(clients: int, seconds: float, reads_only: bool = False) -> tuple[str, bool]:
    import httpx

    with tempfile.TemporaryDirectory() as tmp:
        url, proc = _start(Path(tmp))
        token = httpx.post(url + "/api/auth/login", json={"username": "bench", "password": PASSWORD}).json()
        token = token["access_token"]
        scene_ids = [s["id"] for s in httpx.get(url + "/api/projects/ember/scenes",
                                                headers={"Authorization": f"Bearer {token}"}).json()]
        time.sleep(2)                           # the checking process warms up, as after a start
        results: list = []
        cpu_before = _cpu_seconds(proc.pid)
        deadline = time.monotonic() + seconds
        load_before = os.getloadavg()[0]
        workers = [threading.Thread(target=_client, args=(url, token, scene_ids, scene_ids[i % len(scene_ids)],
                                                          deadline, results, i, reads_only))
                   for i in range(clients)]
        # each writer owns a scene: with more clients than scenes, two may share one (a 409 is then correct)
        shared = clients > len(scene_ids)
        for w in workers:
            w.start()
        for w in workers:
            w.join(timeout=seconds + 120)
        cpu = _cpu_seconds(proc.pid) - cpu_before
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
    kinds = sorted({k for k, _, _ in results})
    rows = []
    all_lat = [e for _, e, _ in results]
    errors = [s for k, _, s in results if s >= 500 or (s == 409 and not shared) or s in (401, 403, 404, 422)]
    for kind in kinds:
        lat = [e for k, e, _ in results if k == kind]
        errs = sum(1 for k, _, s in results if k == kind and (s >= 500 or s in (401, 403, 404, 422)
                                                             or (s == 409 and not shared)))
        rows.append(f"| {kind} | {len(lat)} | {_pct(lat, 50) * 1000:.0f} | {_pct(lat, 95) * 1000:.0f} | "
                    f"{_pct(lat, 99) * 1000:.0f} | {errs} |")
    p95 = _pct(all_lat, 95)
    rate = len(errors) / max(1, len(results))
    ok = p95 < 0.5 and rate < 0.001
    flag = " --reads-only" if reads_only else ""
    lines = [
        "# `novelforge serve` under load" if not reads_only else "## Reads only",
        "",
        f"`python3 bench/server_load.py --clients {clients} --seconds {seconds:g}{flag}`: {clients} clients for "
        f"{seconds:g} s on 127.0.0.1 against `novelforge serve` in a process of its own (and its checking "
        f"process), the example novel ({len(scene_ids)} scenes) in a git "
        f"repository. Machine: {os.cpu_count()} cores, load average {load_before:.1f} when it started "
        "(shared with other work).",
        "",
        "| request | count | p50 ms | p95 ms | p99 ms | errors |",
        "|---|---|---|---|---|---|",
        *rows,
        f"| **all** | {len(results)} | {_pct(all_lat, 50) * 1000:.0f} | {p95 * 1000:.0f} | "
        f"{_pct(all_lat, 99) * 1000:.0f} | {len(errors)} |",
        "",
        f"Throughput {len(results) / seconds:.0f} requests/s; the server's CPU time (with its checking process) "
        f"{cpu * 1000 / max(1, len(results)):.1f} ms per request; error rate {rate * 100:.2f} % "
        "(5xx, connection errors, and any 401/403/404/422/409, none of which this mix should get). "
        f"Targets: p95 under 500 ms and errors under 0.1 %: **{'met' if ok else 'not met'}**.",
        "",
    ]
    return "\n".join(lines), ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--reads-only", action="store_true", help="only scene and outline reads (no check, no save)")
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    if not (1 <= args.clients <= 200 and 0 < args.seconds <= 120):
        parser.error("--clients 1..200 and --seconds up to 120")
    text, ok = run(args.clients, args.seconds, args.reads_only)
    print(text)
    if not args.no_write:
        out = ROOT / "bench" / "SERVER_LOAD_RESULTS.md"
        previous = out.read_text("utf-8") if out.exists() else ""
        # one section per mix: the other mix's section is kept
        marker = "<!-- reads-only -->"
        mixed, reads = (previous.split(marker) + [""])[:2] if marker in previous else (previous, "")
        if args.reads_only:
            reads = "\n" + text
        else:
            mixed = text
        out.write_text(mixed.rstrip() + "\n\n" + marker + reads.rstrip() + "\n", "utf-8")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
