"""Failed sign-ins counted per account and per address, in a sliding window.

Kept in the server's memory: one ``serve`` process is the deployment this is for
(docs/server.md); a restart forgets the counts, which only gives an attacker one more
window. The account is the name typed, whether or not it exists, so a refusal tells
nothing about which accounts there are.
"""

from __future__ import annotations

import threading
import time
from collections import defaultdict, deque

WINDOW = 15 * 60
PER_ACCOUNT = 5
PER_ADDRESS = 20


class LoginLimiter:
    def __init__(self, per_account: int = PER_ACCOUNT, per_address: int = PER_ADDRESS, window: float = WINDOW) -> None:
        self.per_account = per_account
        self.per_address = per_address
        self.window = window
        self._failures: dict[str, deque[float]] = defaultdict(deque)
        self._lock = threading.Lock()

    def _count(self, key: str, now: float) -> int:
        q = self._failures.get(key)
        if not q:
            return 0
        while q and q[0] < now - self.window:
            q.popleft()
        return len(q)

    def blocked(self, account: str, address: str) -> bool:
        now = time.monotonic()
        with self._lock:
            return (self._count("u:" + account.lower(), now) >= self.per_account
                    or self._count("a:" + address, now) >= self.per_address)

    def failed(self, account: str, address: str) -> None:
        now = time.monotonic()
        with self._lock:
            self._failures["u:" + account.lower()].append(now)
            self._failures["a:" + address].append(now)

    def succeeded(self, account: str) -> None:
        with self._lock:
            self._failures.pop("u:" + account.lower(), None)
