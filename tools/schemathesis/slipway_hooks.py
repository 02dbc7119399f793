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

Generated paths reach the seeded objects (apps/api/test/fuzz/fuzz-target.ts): for every
operation with path parameters that name one (`workspace`, `project`, `pipeline`, a run's
`number`, its `job` and `step`, `environment`, `webhook`, a webhook's receiver id, a
schedule's id), half the generated paths name the seeded objects instead of random ones, so
reads and changes answer from real objects and not only 404. Values a link supplies (the
stateful phase) are kept: Schemathesis runs the hook on the generated rest only. A deletion
of a seeded object is sent for one that does not exist instead, so later requests still
find it. The event stream of a run (`/runs/{number}/events`) stays open while the run is
live: a request for a run that is not finished is sent for the seeded, finished run, whose
stream ends by itself.

Environment (set by apps/api/test/fuzz/schemathesis.ts):
  SLIPWAY_FUZZ_BASE_URL       the server's origin, e.g. http://127.0.0.1:4321
  SLIPWAY_FUZZ_USERNAME       who to sign in as
  SLIPWAY_FUZZ_PASSWORD       their password
  SLIPWAY_FUZZ_COOKIE         the session cookie's name
  SLIPWAY_FUZZ_KEEP_USERS     comma-separated usernames the fuzzer must not change
"""

import json
import os
import re
import threading

import requests
import schemathesis
from hypothesis import strategies as st

BASE_URL = os.environ["SLIPWAY_FUZZ_BASE_URL"]
USERNAME = os.environ["SLIPWAY_FUZZ_USERNAME"]
PASSWORD = os.environ["SLIPWAY_FUZZ_PASSWORD"]
COOKIE = os.environ["SLIPWAY_FUZZ_COOKIE"]
KEEP_USERS = {name for name in os.environ.get("SLIPWAY_FUZZ_KEEP_USERS", "").split(",") if name}
# SLIPWAY_FUZZ_OBJECTS: the seeded objects by path parameter name, JSON (FuzzTarget.objects).
OBJECTS = json.loads(os.environ.get("SLIPWAY_FUZZ_OBJECTS") or "{}")
# Path parameters that name the same kind of object on every route that has them.
NAMED_PARAMETERS = ("workspace", "project", "pipeline", "environment", "number", "job", "step", "webhook")
# Run statuses after which a run's event stream ends (RunStatus of @slipway/contracts).
FINISHED_RUN_STATUSES = {"succeeded", "failed", "rejected", "cancelled"}
EVENTS_PATH = "/runs/{number}/events"


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


def seeded_parameters(path, names):
    """The seeded objects for the path parameters `names` of the operation at `path`."""
    seeded = {name: OBJECTS[name] for name in names if name in NAMED_PARAMETERS and name in OBJECTS}
    if "id" in names:
        if path.startswith("/api/v1/hooks/"):
            seeded["id"] = OBJECTS.get("hook")
        elif path.endswith("/schedules/{id}"):
            seeded["id"] = OBJECTS.get("schedule")
    return {name: value for name, value in seeded.items() if value is not None}


@schemathesis.hook
def flatmap_path_parameters(context, path_parameters):
    """The generated path parameters, or (as often) the same with the seeded objects in them."""
    if not isinstance(path_parameters, dict):
        return st.just(path_parameters)
    seeded = seeded_parameters(context.operation.path, path_parameters)
    if not seeded:
        return st.just(path_parameters)
    return st.sampled_from([path_parameters, {**path_parameters, **seeded}])


def _finished_run(case):
    """Whether the run a `/runs/{number}/events` request names exists and has finished (else it streams on)."""
    path = case.formatted_path[: -len("/events")]
    response = requests.get(
        f"{BASE_URL}{path}", cookies={COOKIE: SESSION.get()["session"]}, timeout=30
    )
    return response.status_code != 200 or response.json().get("status") in FINISHED_RUN_STATUSES


@schemathesis.hook
def before_call(context, case, **kwargs):
    """Keeps the kept accounts and the seeded objects, and event streams bounded (see above)."""
    path = case.operation.path
    method = case.method.upper()
    params = case.path_parameters or {}
    if path == "/api/v1/users/{username}" and method != "GET" and params.get("username") in KEEP_USERS:
        case.path_parameters = {**params, "username": "fuzz-kept-account"}
    leaf = re.search(r"\{(\w+)\}$", path)
    if method == "DELETE" and leaf:
        name = leaf.group(1)
        kept = seeded_parameters(path, [name]).get(name)
        if kept is not None and str(params.get(name)) == str(kept):
            case.path_parameters = {**params, name: "fuzz-kept-object"}
    if path.endswith(EVENTS_PATH) and method == "GET" and not _finished_run(case):
        case.path_parameters = {**params, **seeded_parameters(path, params)}
