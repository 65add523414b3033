"""The office password (hashed, never kept in clear), a brake on guessing it, and CSRF tokens.

Passwords: scrypt with a random salt (PBKDF2-SHA256 where this Python's OpenSSL has no scrypt),
compared in constant time. Guessing: wrong passwords for one account from one address make the next
try wait, longer each time (1, 2, 4 … seconds, at most `MAX_DELAY`) — never a flat block, so someone
guessing cannot lock the office out, not even from the office's own address. Many wrong passwords from
anywhere slow every sign-in down by `GLOBAL_DELAY` seconds, and never refuse the right one.
CSRF: one random token per browser session, in every form, checked on every POST.
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
FREE_FAILURES = 3  # wrong passwords for one account from one address before any wait
MAX_DELAY = 60  # seconds: the longest wait, however many wrong passwords
GLOBAL_FAILURES = 30  # wrong passwords from anywhere within WINDOW before every sign-in is slowed down
GLOBAL_DELAY = 2.0  # seconds each sign-in is held while that lasts (the right password still gets in)
WINDOW = 15 * 60


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
    """Wrong passwords per (account, address), and in all. `wait` says how long this account must wait before
    it is tried again from this address; `slowdown` how long every sign-in is held right now."""

    def __init__(self, free: int = FREE_FAILURES, max_delay: float = MAX_DELAY, window: float = WINDOW,
                 global_failures: int = GLOBAL_FAILURES, global_delay: float = GLOBAL_DELAY, clock=time.monotonic):
        self.free, self.max_delay, self.window = free, max_delay, window
        self.global_failures, self.global_delay = global_failures, global_delay
        self.clock = clock
        self._failures: dict[tuple[str, str], deque[float]] = {}
        self._all: deque[float] = deque()
        self._lock = threading.Lock()

    @staticmethod
    def _key(account: str, addr: str) -> tuple[str, str]:
        return (account.strip().casefold()[:100], addr)

    def _recent(self, times: deque[float], now: float) -> deque[float]:
        while times and now - times[0] > self.window:
            times.popleft()
        return times

    def wait(self, account: str, addr: str) -> int:
        """Seconds before `account` may be tried again from `addr` (0: now)."""
        now = self.clock()
        with self._lock:
            times = self._recent(self._failures.get(self._key(account, addr), deque()), now)
            if len(times) < self.free:
                return 0
            delay = min(2.0 ** (len(times) - self.free), self.max_delay)
            return max(0, int(times[-1] + delay - now + 0.999))

    def slowdown(self) -> float:
        """Seconds every sign-in is held while wrong passwords pour in from anywhere."""
        with self._lock:
            return self.global_delay if len(self._recent(self._all, self.clock())) >= self.global_failures else 0.0

    def fail(self, account: str, addr: str) -> None:
        now = self.clock()
        with self._lock:
            self._failures.setdefault(self._key(account, addr), deque()).append(now)
            self._all.append(now)
            if len(self._failures) > 10_000:  # a flood of made-up accounts: forget the stale ones
                for key in [k for k, t in self._failures.items() if not self._recent(t, now)]:
                    del self._failures[key]

    def succeed(self, account: str, addr: str) -> None:
        with self._lock:
            self._failures.pop(self._key(account, addr), None)


def new_csrf() -> str:
    return secrets.token_urlsafe(32)


def csrf_ok(session_token: str | None, form_token: object) -> bool:
    return bool(session_token) and isinstance(form_token, str) and hmac.compare_digest(session_token, form_token)
