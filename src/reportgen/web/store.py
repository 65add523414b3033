"""The record of the web page: `<workspace>/.reportgen/`, a SQLite database and the uploaded files.

Takes: the workspace root.
Holds: settings (session secret), office users (password hashes) and their sessions, department
links (tokens), every uploaded version (kept as a file under uploads/, never overwritten, pruned
only beyond a unit's quota and never while in use), which version is each department's submission,
the builds started from the page, and the audit log (who did what, when).
The workspace's inputs stay the source of truth: deleting `.reportgen/` loses this history
and the links, never an input.
"""

from __future__ import annotations

import json
import secrets
import sqlite3
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Iterator

from ..model import Issue

FOLDER = ".reportgen"
DATABASE = "reportgen.sqlite3"  # in FOLDER
SCHEMA_VERSION = 2

# Each entry takes the database from the version before it to the next; never edit a released one.
MIGRATIONS = [
    """
    CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    CREATE TABLE tokens (
        id INTEGER PRIMARY KEY, period TEXT NOT NULL, department TEXT NOT NULL,
        token TEXT NOT NULL UNIQUE, created_at TEXT NOT NULL, revoked_at TEXT);
    CREATE TABLE versions (
        id INTEGER PRIMARY KEY, period TEXT NOT NULL, department TEXT NOT NULL,
        received_at TEXT NOT NULL,
        source TEXT NOT NULL,            -- web: uploaded through a link; folder: found in departments/ and replaced
        original_name TEXT NOT NULL,     -- for display only, never a path
        size INTEGER NOT NULL, sha256 TEXT NOT NULL,
        stored TEXT,                     -- the kept copy, relative to .reportgen/
        state TEXT NOT NULL,             -- received | adopted | refused | archived
        current_name TEXT,               -- its name in departments/ when adopted
        errors INTEGER, warnings INTEGER,
        findings TEXT,                   -- JSON list of the issues shown for it
        validated_at TEXT);
    CREATE INDEX versions_by_department ON versions (period, department, id);
    CREATE TABLE submissions (
        period TEXT NOT NULL, department TEXT NOT NULL, version_id INTEGER NOT NULL REFERENCES versions (id),
        updated_at TEXT NOT NULL, PRIMARY KEY (period, department));
    CREATE TABLE builds (
        id INTEGER PRIMARY KEY, period TEXT, started_at TEXT NOT NULL, finished_at TEXT,
        state TEXT NOT NULL,             -- running | done | failed
        gate TEXT, reasons TEXT, errors INTEGER, warnings INTEGER, files INTEGER, message TEXT);
    """,
    # 2: versions held for confirmation (pending, with the reason) and pruned files; office users with their own
    # passwords and server-side sessions (a sign-out ends them); the audit log. The one office password becomes
    # the first user's.
    """
    ALTER TABLE versions ADD COLUMN reason TEXT;      -- why it was held (pending) or not used (declined)
    ALTER TABLE versions ADD COLUMN pruned_at TEXT;   -- its kept copy was removed to stay within the quota
    CREATE TABLE users (
        id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, password_hash TEXT,
        invite TEXT UNIQUE,              -- one-time code of the link that sets the first password
        created_at TEXT NOT NULL, created_by TEXT, removed_at TEXT);
    CREATE TABLE sessions (
        id TEXT PRIMARY KEY, user_id INTEGER NOT NULL REFERENCES users (id),
        created_at TEXT NOT NULL, seen_at TEXT NOT NULL);
    CREATE TABLE audit (
        id INTEGER PRIMARY KEY, at TEXT NOT NULL, period TEXT, actor TEXT NOT NULL, action TEXT NOT NULL,
        detail TEXT NOT NULL DEFAULT '');
    INSERT INTO users (name, password_hash, created_at)
        SELECT '推进办', value, datetime('now', 'localtime') FROM settings WHERE key = 'office_hash';
    DELETE FROM settings WHERE key IN ('office_hash', 'session_epoch');
    """,
]
assert len(MIGRATIONS) == SCHEMA_VERSION


class StoreError(Exception):
    """The record cannot be used (made by a newer reportgen, or not a database); the message is Chinese."""


def now() -> str:
    return datetime.now().isoformat(sep=" ", timespec="seconds")


def ago(**delta) -> str:
    return (datetime.now() - timedelta(**delta)).isoformat(sep=" ", timespec="seconds")


@dataclass(frozen=True)
class Token:
    id: int
    period: str
    department: str
    token: str
    created_at: str
    revoked_at: str | None

    @property
    def active(self) -> bool:
        return self.revoked_at is None


@dataclass(frozen=True)
class Version:
    id: int
    period: str
    department: str
    received_at: str
    source: str
    original_name: str
    size: int
    sha256: str
    stored: str | None
    state: str
    current_name: str | None
    errors: int | None
    warnings: int | None
    findings: str | None
    validated_at: str | None
    reason: str | None = None
    pruned_at: str | None = None

    def issues(self) -> list[Issue]:
        return [Issue(**d) for d in json.loads(self.findings or "[]")]

    def label(self, in_use: "Version | int | None") -> str:
        """What the version is for its unit now: 在用 / 已替换 / 待确认 / 未采用 / 未完成 / 处理中."""
        in_use_id = in_use.id if isinstance(in_use, Version) else in_use
        if self.id == in_use_id:
            return "在用"
        return {"adopted": "已替换", "archived": "已替换", "pending": "待确认", "refused": "未采用",
                "declined": "未采用", "unfinished": "未完成"}.get(self.state, "处理中")


@dataclass(frozen=True)
class User:
    id: int
    name: str
    password_hash: str | None
    invite: str | None
    created_at: str
    created_by: str | None
    removed_at: str | None


@dataclass(frozen=True)
class AuditEntry:
    id: int
    at: str
    period: str | None
    actor: str
    action: str
    detail: str


@dataclass(frozen=True)
class Build:
    id: int
    period: str | None
    started_at: str
    finished_at: str | None
    state: str
    gate: str | None
    reasons: str | None
    errors: int | None
    warnings: int | None
    files: int | None
    message: str | None

    @property
    def reason_list(self) -> list[str]:
        return json.loads(self.reasons or "[]")


def issues_json(issues: list[Issue]) -> str:
    return json.dumps([i.__dict__ for i in issues], ensure_ascii=False)


class Store:
    def __init__(self, root: Path):
        self.root = Path(root).resolve()
        self.folder = self.root / FOLDER
        self.folder.mkdir(mode=0o700, exist_ok=True)
        (self.folder / "uploads").mkdir(mode=0o700, exist_ok=True)
        self.path = self.folder / DATABASE
        self._migrate()

    # ---- plumbing ----------------------------------------------------------------------

    @contextmanager
    def db(self) -> Iterator[sqlite3.Connection]:
        """One connection per use (threads never share one); committed when the block ends without error."""
        con = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        con.row_factory = sqlite3.Row
        try:
            con.execute("PRAGMA foreign_keys = ON")
            con.execute("PRAGMA busy_timeout = 30000")
            con.execute("BEGIN IMMEDIATE")
            try:
                yield con
            except BaseException:
                con.execute("ROLLBACK")
                raise
            con.execute("COMMIT")
        finally:
            con.close()

    def _migrate(self) -> None:
        try:
            con = sqlite3.connect(self.path, timeout=30, isolation_level=None)
            try:
                con.execute("PRAGMA journal_mode = WAL")
                version = con.execute("PRAGMA user_version").fetchone()[0]
                if version > SCHEMA_VERSION:
                    raise StoreError(f"{self.path} 由更新版本的 reportgen 创建（记录格式第{version}版），"
                                     f"请升级 reportgen 后再启动。")
                for step in range(version, SCHEMA_VERSION):
                    con.executescript("BEGIN;" + MIGRATIONS[step] + f"PRAGMA user_version = {step + 1}; COMMIT;")
            finally:
                con.close()
        except sqlite3.DatabaseError as e:
            raise StoreError(f"{self.path} 无法打开（{e}）。可以把 {FOLDER} 文件夹改名后重新启动："
                             "这只会丢失网页上的报送记录和单位链接，不影响 inputs/ 中的填报表。") from None

    # ---- settings ------------------------------------------------------------------------

    def secret(self, key: str) -> str:
        """A random value made once and kept (the session signing key, say)."""
        with self.db() as db:
            row = db.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
            if row:
                return row["value"]
            value = secrets.token_urlsafe(32)
            db.execute("INSERT INTO settings (key, value) VALUES (?, ?)", (key, value))
            return value

    # ---- department links ----------------------------------------------------------------

    def tokens(self, period: str, departments: list[str]) -> dict[str, Token]:
        """The active link of each department for the period, made for those that never had one.
        A department whose link the office stopped (and did not re-issue) has none: it is left out."""
        with self.db() as db:
            rows = db.execute("SELECT * FROM tokens WHERE period = ?", (period,)).fetchall()
            found = {r["department"]: Token(**r) for r in rows if r["revoked_at"] is None}
            stopped = {r["department"] for r in rows} - set(found)
            for dept in departments:
                if dept not in found and dept not in stopped:
                    found[dept] = self._issue(db, period, dept)
        return {d: found[d] for d in departments if d in found}

    def _issue(self, db: sqlite3.Connection, period: str, department: str) -> Token:
        token, created = secrets.token_urlsafe(24), now()
        cur = db.execute("INSERT INTO tokens (period, department, token, created_at) VALUES (?, ?, ?, ?)",
                         (period, department, token, created))
        return Token(cur.lastrowid, period, department, token, created, None)

    def revoke(self, period: str, department: str, reissue: bool) -> Token | None:
        with self.db() as db:
            db.execute("UPDATE tokens SET revoked_at = ? WHERE period = ? AND department = ? AND revoked_at IS NULL",
                       (now(), period, department))
            return self._issue(db, period, department) if reissue else None

    def token(self, value: str) -> Token | None:
        with self.db() as db:
            row = db.execute("SELECT * FROM tokens WHERE token = ?", (value,)).fetchone()
        if row is None or not secrets.compare_digest(row["token"], value):
            return None
        return Token(**row)


    # ---- versions and submissions --------------------------------------------------------

    def add_version(self, period: str, department: str, source: str, original_name: str, size: int,
                    sha256: str, suffix: str, data: bytes | None = None, copy_from: Path | None = None) -> Version:
        """Record a version and keep its bytes under uploads/<period>/, in a new file never overwritten."""
        folder = self.folder / "uploads" / period
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        with self.db() as db:
            cur = db.execute(
                "INSERT INTO versions (period, department, received_at, source, original_name, size, sha256, state) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, 'received')", (period, department, now(), source, original_name, size, sha256))
            vid = cur.lastrowid
            stored = f"uploads/{period}/{vid:06d}{suffix}"
            db.execute("UPDATE versions SET stored = ? WHERE id = ?", (stored, vid))
        target = self.folder / stored
        with open(target, "xb") as f:  # x: never replace an existing file
            if data is not None:
                f.write(data)
            elif copy_from is not None:
                with open(copy_from, "rb") as src:
                    while chunk := src.read(1 << 20):
                        f.write(chunk)
        return self.version(vid)

    def version(self, vid: int) -> Version | None:
        with self.db() as db:
            row = db.execute("SELECT * FROM versions WHERE id = ?", (vid,)).fetchone()
        return Version(**row) if row else None

    def version_path(self, v: Version) -> Path | None:
        if not v.stored:
            return None
        path = (self.folder / v.stored).resolve()
        return path if path.is_relative_to(self.folder / "uploads") and path.is_file() else None

    def finish_version(self, vid: int, state: str, issues: list[Issue], current_name: str | None = None,
                       reason: str | None = None) -> None:
        errors = sum(i.is_error for i in issues)
        with self.db() as db:
            db.execute("UPDATE versions SET state = ?, current_name = ?, errors = ?, warnings = ?, findings = ?, "
                       "validated_at = ?, reason = ? WHERE id = ?",
                       (state, current_name, errors, len(issues) - errors, issues_json(issues), now(), reason, vid))
            if state == "adopted":
                row = db.execute("SELECT period, department FROM versions WHERE id = ?", (vid,)).fetchone()
                db.execute("INSERT INTO submissions (period, department, version_id, updated_at) VALUES (?, ?, ?, ?) "
                           "ON CONFLICT (period, department) DO UPDATE SET version_id = excluded.version_id, "
                           "updated_at = excluded.updated_at", (row["period"], row["department"], vid, now()))

    def set_state(self, vid: int, state: str, reason: str | None = None) -> None:
        """A pending version decided without being adopted (declined, or replaced by a newer upload)."""
        with self.db() as db:
            db.execute("UPDATE versions SET state = ?, reason = COALESCE(?, reason) WHERE id = ?", (state, reason, vid))

    def pending(self, period: str, department: str) -> Version | None:
        """The unit's upload waiting for its confirmation, if any (the newest)."""
        with self.db() as db:
            row = db.execute("SELECT * FROM versions WHERE period = ? AND department = ? AND state = 'pending' "
                             "ORDER BY id DESC LIMIT 1", (period, department)).fetchone()
        return Version(**row) if row else None

    def interrupted_uploads(self) -> list[Version]:
        """Uploads a stopped server left half-checked: 未完成. The unit's current file was never touched by them
        (a file becomes current in one atomic rename, and the record says adopted right after)."""
        with self.db() as db:
            rows = db.execute("SELECT * FROM versions WHERE state = 'received'").fetchall()
            db.execute("UPDATE versions SET state = 'unfinished', reason = '服务在处理这次上传时停止，未完成校验，"
                       "本单位的报送没有因它改变' WHERE state = 'received'")
        return [Version(**r) for r in rows]

    def prune(self, period: str, department: str, limit: int) -> list[Version]:
        """Remove the kept copies of the unit's oldest versions, beyond `limit` bytes in all. The version in use
        and one waiting for confirmation are never removed; their record stays (marked pruned)."""
        with self.db() as db:
            rows = db.execute("SELECT v.* FROM versions v WHERE v.period = ? AND v.department = ? AND v.stored IS NOT NULL "
                              "ORDER BY v.id", (period, department)).fetchall()
            current = db.execute("SELECT version_id FROM submissions WHERE period = ? AND department = ?",
                                 (period, department)).fetchone()
            keep = {current["version_id"]} if current else set()
            total = sum(r["size"] for r in rows)
            removed = []
            for r in rows:
                if total <= limit:
                    break
                if r["id"] in keep or r["state"] in ("pending", "received"):
                    continue
                db.execute("UPDATE versions SET stored = NULL, pruned_at = ? WHERE id = ?", (now(), r["id"]))
                total -= r["size"]
                removed.append(Version(**r))
        for v in removed:
            (self.folder / v.stored).unlink(missing_ok=True)
        return removed

    def versions(self, period: str, department: str | None = None, limit: int = 500) -> list[Version]:
        sql, args = "SELECT * FROM versions WHERE period = ?", [period]
        if department is not None:
            sql += " AND department = ?"
            args.append(department)
        with self.db() as db:
            rows = db.execute(sql + " ORDER BY id DESC LIMIT ?", (*args, limit)).fetchall()
        return [Version(**r) for r in rows]

    def submissions(self, period: str) -> dict[str, Version]:
        """Each department's adopted version for the period."""
        with self.db() as db:
            rows = db.execute("SELECT v.* FROM submissions s JOIN versions v ON v.id = s.version_id "
                              "WHERE s.period = ?", (period,)).fetchall()
        return {r["department"]: Version(**r) for r in rows}

    def uploads_since(self, period: str, department: str, since: str) -> list[str]:
        """received_at of the department's web uploads since `since`, oldest first."""
        with self.db() as db:
            rows = db.execute("SELECT received_at FROM versions WHERE period = ? AND department = ? AND source = 'web' "
                              "AND received_at >= ? ORDER BY id", (period, department, since)).fetchall()
        return [r["received_at"] for r in rows]

    def has_copy(self, period: str, department: str, sha256: str) -> bool:
        with self.db() as db:
            return db.execute("SELECT 1 FROM versions WHERE period = ? AND department = ? AND sha256 = ? LIMIT 1",
                              (period, department, sha256)).fetchone() is not None

    # ---- office users and sessions --------------------------------------------------------

    def users(self) -> list[User]:
        with self.db() as db:
            rows = db.execute("SELECT * FROM users WHERE removed_at IS NULL ORDER BY id").fetchall()
        return [User(**r) for r in rows]

    def user(self, *, name: str | None = None, uid: int | None = None, invite: str | None = None) -> User | None:
        column, value = ("name", name) if name is not None else ("id", uid) if uid is not None else ("invite", invite)
        if value is None or value == "":
            return None
        with self.db() as db:
            row = db.execute(f"SELECT * FROM users WHERE {column} = ? AND removed_at IS NULL", (value,)).fetchone()
        return User(**row) if row else None

    def first_user(self) -> User | None:
        users = self.users()
        return users[0] if users else None

    def needs_setup(self) -> bool:
        """True while the first office user has no password (first start, or after --reset-password)."""
        first = self.first_user()
        return first is None or not first.password_hash

    def set_first_password(self, password_hash: str, name: str = "推进办") -> User:
        with self.db() as db:
            row = db.execute("SELECT id FROM users WHERE removed_at IS NULL ORDER BY id LIMIT 1").fetchone()
            if row is None:
                uid = db.execute("INSERT INTO users (name, password_hash, created_at) VALUES (?, ?, ?)",
                                 (name, password_hash, now())).lastrowid
            else:
                uid = row["id"]
                db.execute("UPDATE users SET password_hash = ?, invite = NULL WHERE id = ?", (password_hash, uid))
                db.execute("DELETE FROM sessions WHERE user_id = ?", (uid,))
        return self.user(uid=uid)

    def reset_first_password(self) -> None:
        """`serve --reset-password`: the first user sets a password again through the terminal's link;
        every session ends."""
        with self.db() as db:
            db.execute("UPDATE users SET password_hash = NULL WHERE id = "
                       "(SELECT id FROM users WHERE removed_at IS NULL ORDER BY id LIMIT 1)")
            db.execute("DELETE FROM sessions")

    def add_user(self, name: str, by: str) -> User:
        """A new office user, with a one-time link to set their own password."""
        with self.db() as db:
            uid = db.execute("INSERT INTO users (name, invite, created_at, created_by) VALUES (?, ?, ?, ?)",
                             (name, secrets.token_urlsafe(24), now(), by)).lastrowid
        return self.user(uid=uid)

    def reinvite(self, uid: int) -> User | None:
        """A forgotten password: a new one-time link; the old password and every session end."""
        with self.db() as db:
            db.execute("UPDATE users SET password_hash = NULL, invite = ? WHERE id = ?", (secrets.token_urlsafe(24), uid))
            db.execute("DELETE FROM sessions WHERE user_id = ?", (uid,))
        return self.user(uid=uid)

    def name_taken(self, name: str) -> bool:
        with self.db() as db:
            return db.execute("SELECT 1 FROM users WHERE name = ?", (name,)).fetchone() is not None

    def set_password(self, uid: int, password_hash: str) -> None:
        """A new password (also through an invite link, which it uses up); every session of the user ends."""
        with self.db() as db:
            db.execute("UPDATE users SET password_hash = ?, invite = NULL WHERE id = ?", (password_hash, uid))
            db.execute("DELETE FROM sessions WHERE user_id = ?", (uid,))

    def remove_user(self, uid: int) -> None:
        with self.db() as db:
            # the name is freed for a new account; the log keeps the name as it was
            db.execute("UPDATE users SET removed_at = ?, invite = NULL, name = name || '（已删除' || id || '）' "
                       "WHERE id = ?", (now(), uid))
            db.execute("DELETE FROM sessions WHERE user_id = ?", (uid,))

    def new_session(self, uid: int) -> str:
        sid = secrets.token_urlsafe(32)
        with self.db() as db:
            db.execute("INSERT INTO sessions (id, user_id, created_at, seen_at) VALUES (?, ?, ?, ?)",
                       (sid, uid, now(), now()))
        return sid

    def session_user(self, sid: str, idle_minutes: int, max_hours: int, touch: bool = True) -> User | None:
        """The user of a live session: known to the server, used within `idle_minutes`, younger than `max_hours`.
        An expired one is ended here."""
        if not sid:
            return None
        with self.db() as db:
            row = db.execute("SELECT s.*, u.removed_at FROM sessions s JOIN users u ON u.id = s.user_id "
                             "WHERE s.id = ?", (sid,)).fetchone()
            if row is None:
                return None
            if (row["removed_at"] or row["seen_at"] < ago(minutes=idle_minutes)
                    or row["created_at"] < ago(hours=max_hours)):
                db.execute("DELETE FROM sessions WHERE id = ?", (sid,))
                return None
            if touch and row["seen_at"] < ago(minutes=1):
                db.execute("UPDATE sessions SET seen_at = ? WHERE id = ?", (now(), sid))
            uid = row["user_id"]
        return self.user(uid=uid)

    def end_sessions(self, uid: int) -> None:
        with self.db() as db:
            db.execute("DELETE FROM sessions WHERE user_id = ?", (uid,))

    # ---- audit log ---------------------------------------------------------------------------

    def log(self, actor: str, action: str, detail: str = "", period: str | None = None) -> None:
        with self.db() as db:
            db.execute("INSERT INTO audit (at, period, actor, action, detail) VALUES (?, ?, ?, ?, ?)",
                       (now(), period, actor, action, detail))

    def audit(self, limit: int = 300, actor: str | None = None) -> list[AuditEntry]:
        sql, args = "SELECT * FROM audit", []
        if actor:
            sql += " WHERE actor = ?"
            args.append(actor)
        with self.db() as db:
            rows = db.execute(sql + " ORDER BY id DESC LIMIT ?", (*args, limit)).fetchall()
        return [AuditEntry(**r) for r in rows]

    def last_change(self, period: str | None) -> str:
        """Changes when an upload arrives or is decided: what the office page's auto refresh watches."""
        with self.db() as db:
            row = db.execute("SELECT MAX(id) AS v, COUNT(*) AS n, MAX(validated_at) AS t FROM versions WHERE period = ?",
                             (period,)).fetchone()
            sub = db.execute("SELECT MAX(updated_at) AS u FROM submissions WHERE period = ?", (period,)).fetchone()
        return f"{row['v']}-{row['n']}-{row['t']}-{sub['u']}"

    # ---- builds ----------------------------------------------------------------------------

    def start_build(self, period: str | None) -> int:
        with self.db() as db:
            return db.execute("INSERT INTO builds (period, started_at, state) VALUES (?, ?, 'running')",
                              (period, now())).lastrowid

    def finish_build(self, bid: int, state: str, *, period: str | None = None, gate: str | None = None,
                     reasons: list[str] = (), errors: int = 0, warnings: int = 0, files: int = 0,
                     message: str = "") -> None:
        with self.db() as db:
            db.execute("UPDATE builds SET finished_at = ?, state = ?, period = COALESCE(?, period), gate = ?, "
                       "reasons = ?, errors = ?, warnings = ?, files = ?, message = ? WHERE id = ?",
                       (now(), state, period, gate, json.dumps(list(reasons), ensure_ascii=False), errors, warnings,
                        files, message, bid))

    def builds(self, limit: int = 20) -> list[Build]:
        with self.db() as db:
            rows = db.execute("SELECT * FROM builds ORDER BY id DESC LIMIT ?", (limit,)).fetchall()
        return [Build(**r) for r in rows]

    def interrupted_builds(self) -> None:
        """Builds left running by a server that stopped: they did not finish."""
        with self.db() as db:
            db.execute("UPDATE builds SET state = 'failed', finished_at = ?, message = '服务停止，生成中断' "
                       "WHERE state = 'running'", (now(),))


def clear_temp(store: Store) -> Path:
    """.reportgen/tmp/, emptied at start: files half-made by a server that stopped."""
    import shutil

    tmp = store.folder / "tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(mode=0o700)
    return tmp

