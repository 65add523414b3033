"""The office password (hashed, never kept in clear), a brake on guessing it, and CSRF tokens.

Passwords: scrypt with a random salt (PBKDF2-SHA256 where this Python's OpenSSL has no scrypt),
compared in constant time. Guessing: after `MAX_FAILURES` wrong passwords from one address within
`WINDOW` seconds, that address waits `LOCKOUT` seconds; `GLOBAL_FAILURES` wrong passwords from
anywhere stop every attempt for the same time. CSRF: one random token per browser session,
in every form, checked on every POST.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import threading
import time
from collections import deque

MIN_PASSWORD = 8
MAX_FAILURES = 5
GLOBAL_FAILURES = 30
WINDOW = 15 * 60
LOCKOUT = 15 * 60


def hash_password(password: str) -> str:
    salt = os.urandom(16)
    data = password.encode("utf-8")
    try:
        n, r, p = 2 ** 14, 8, 1
        dk = hashlib.scrypt(data, salt=salt, n=n, r=r, p=p, dklen=32)
        return f"scrypt${n}${r}${p}${salt.hex()}${dk.hex()}"
    except (AttributeError, ValueError):  # no scrypt in this OpenSSL
        rounds = 600_000
        dk = hashlib.pbkdf2_hmac("sha256", data, salt, rounds)
        return f"pbkdf2_sha256${rounds}${salt.hex()}${dk.hex()}"


def verify_password(password: str, stored: str | None) -> bool:
    if not stored:
        return False
    data = password.encode("utf-8")
    try:
        kind, *parts = stored.split("$")
        if kind == "scrypt":
            n, r, p, salt, want = parts
            got = hashlib.scrypt(data, salt=bytes.fromhex(salt), n=int(n), r=int(r), p=int(p), dklen=len(want) // 2)
        elif kind == "pbkdf2_sha256":
            rounds, salt, want = parts
            got = hashlib.pbkdf2_hmac("sha256", data, bytes.fromhex(salt), int(rounds))
        else:
            return False
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(got.hex(), want)


def password_problem(password: str, again: str) -> str:
    """Why a new password is refused (Chinese), or ""."""
    if len(password) < MIN_PASSWORD:
        return f"密码至少需要{MIN_PASSWORD}个字符。"
    if password != again:
        return "两次输入的密码不一致。"
    return ""


class Throttle:
    """Counts failed attempts per client address (and in all); `wait(addr)` says how long it must wait."""

    def __init__(self, max_failures: int = MAX_FAILURES, window: float = WINDOW, lockout: float = LOCKOUT,
                 global_failures: int = GLOBAL_FAILURES, clock=time.monotonic):
        self.max_failures, self.window, self.lockout, self.global_failures = max_failures, window, lockout, global_failures
        self.clock = clock
        self._failures: dict[str, deque[float]] = {}
        self._all: deque[float] = deque()
        self._lock = threading.Lock()

    def _wait(self, times: deque[float], limit: int, now: float) -> float:
        """Locked while the last `limit` failures fell within `window` and the last is under `lockout` ago."""
        while times and now - times[0] > self.window + self.lockout:
            times.popleft()
        if len(times) < limit:
            return 0.0
        last = list(times)[-limit:]
        return last[-1] + self.lockout - now if last[-1] - last[0] <= self.window else 0.0

    def wait(self, addr: str) -> int:
        """Seconds before `addr` may try again (0: now)."""
        now = self.clock()
        with self._lock:
            mine = self._wait(self._failures.get(addr, deque()), self.max_failures, now)
            everyone = self._wait(self._all, self.global_failures, now)
        return max(0, int(max(mine, everyone) + 0.999))

    def fail(self, addr: str) -> None:
        now = self.clock()
        with self._lock:
            self._failures.setdefault(addr, deque()).append(now)
            self._all.append(now)

    def succeed(self, addr: str) -> None:
        with self._lock:
            self._failures.pop(addr, None)


def new_csrf() -> str:
    return secrets.token_urlsafe(32)


def csrf_ok(session_token: str | None, form_token: object) -> bool:
    return bool(session_token) and isinstance(form_token, str) and hmac.compare_digest(session_token, form_token)
