"""Schemathesis hooks for Slipway's fuzz tier (loaded with SCHEMATHESIS_HOOKS=slipway_hooks).

Signs every request in as one user with a browser session: the session cookie plus its
CSRF token in the `x-csrf-token` header, as the console sends them. The fuzzer calls the
sign-out and session routes too, which end that session. The session is cached here, not by
Schemathesis: its own cache drops a credential on a 401 only in the phases that test one
operation at a time, not in the stateful phase (Schemathesis 4.32 replays through
`reauth_and_replay` in `Case.call_and_validate` and the unit executor, while the stateful
executor calls `machine.call`), so one `DELETE /me/sessions/{id}` of its own session made
every later step of the phase a 401 and no link could be followed. `after_call` forgets the
session on any 401 outside the job-files routes, and the next request signs in again.

The accounts the fuzzer signs in as are kept out of its reach: an update or deletion of one
of them (`/api/v1/users/{username}`) is sent for a user that does not exist instead (a 404),
so a generated password reset or `disabled: true` cannot lock the run out halfway.

Environment (set by apps/api/test/fuzz/schemathesis.ts):
  SLIPWAY_FUZZ_BASE_URL       the server's origin, e.g. http://127.0.0.1:4321
  SLIPWAY_FUZZ_USERNAME       who to sign in as
  SLIPWAY_FUZZ_PASSWORD       their password
  SLIPWAY_FUZZ_COOKIE         the session cookie's name
  SLIPWAY_FUZZ_KEEP_USERS     comma-separated usernames the fuzzer must not change
"""

import os
import threading

import requests
import schemathesis

BASE_URL = os.environ["SLIPWAY_FUZZ_BASE_URL"]
USERNAME = os.environ["SLIPWAY_FUZZ_USERNAME"]
PASSWORD = os.environ["SLIPWAY_FUZZ_PASSWORD"]
COOKIE = os.environ["SLIPWAY_FUZZ_COOKIE"]
KEEP_USERS = {name for name in os.environ.get("SLIPWAY_FUZZ_KEEP_USERS", "").split(",") if name}


# Routes that take only a job's token: a 401 there is their answer, not a lost session.
JOB_TOKEN_PATHS = r"^/api/v1/job-files"


class _SessionCache:
    """The signed-in session shared by the workers, until a 401 shows it has ended."""

    def __init__(self):
        self._lock = threading.Lock()
        self._data = None

    def get(self):
        with self._lock:
            if self._data is None:
                response = requests.post(
                    f"{BASE_URL}/api/v1/auth/login",
                    json={"username": USERNAME, "password": PASSWORD},
                    timeout=30,
                )
                response.raise_for_status()
                self._data = {"session": response.cookies[COOKIE], "csrf": response.json()["csrfToken"]}
            return self._data

    def forget(self, session):
        """Drops `session` (the one a request that answered 401 carried) if it is still the cached one."""
        with self._lock:
            if self._data is not None and self._data["session"] == session:
                self._data = None


SESSION = _SessionCache()


@schemathesis.auth(refresh_interval=None).skip_for(path_regex=JOB_TOKEN_PATHS)
class SlipwaySession:
    """A password sign-in (POST /api/v1/auth/login): the session cookie and its CSRF token."""

    def get(self, case, context):
        return SESSION.get()

    def set(self, case, data, context):
        case.cookies = {**(case.cookies or {}), COOKIE: data["session"]}
        case.headers = {**(case.headers or {}), "x-csrf-token": data["csrf"]}


@schemathesis.hook
def after_call(context, case, response):
    """Forgets an ended session (a 401 outside the job-token routes): the next request signs in again."""
    if response.status_code == 401 and not case.operation.path.startswith("/api/v1/job-files"):
        SESSION.forget((case.cookies or {}).get(COOKIE))


@schemathesis.hook
def before_call(context, case, **kwargs):
    """Points a change to a kept account at a user that does not exist."""
    if case.operation.path != "/api/v1/users/{username}" or case.method.upper() == "GET":
        return
    if (case.path_parameters or {}).get("username") in KEEP_USERS:
        case.path_parameters = {**case.path_parameters, "username": "fuzz-kept-account"}
