"""Schemathesis hooks for Slipway's fuzz tier (loaded with SCHEMATHESIS_HOOKS=slipway_hooks).

Signs every request in as one user with a browser session: the session cookie plus its
CSRF token in the `x-csrf-token` header, as the console sends them. The fuzzer calls the
sign-out and session routes too, which end that session: Schemathesis drops a cached
credential on a 401 (its auth `retry_on`), and the next request signs in again.

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

import requests
import schemathesis

BASE_URL = os.environ["SLIPWAY_FUZZ_BASE_URL"]
USERNAME = os.environ["SLIPWAY_FUZZ_USERNAME"]
PASSWORD = os.environ["SLIPWAY_FUZZ_PASSWORD"]
COOKIE = os.environ["SLIPWAY_FUZZ_COOKIE"]
KEEP_USERS = {name for name in os.environ.get("SLIPWAY_FUZZ_KEEP_USERS", "").split(",") if name}


# The job-files routes take only a job's token: a 401 there is their answer, not a lost session.
@schemathesis.auth(refresh_interval=600).skip_for(path_regex=r"^/api/v1/job-files")
class SlipwaySession:
    """A password sign-in (POST /api/v1/auth/login): the session cookie and its CSRF token."""

    def get(self, case, context):
        response = requests.post(
            f"{BASE_URL}/api/v1/auth/login",
            json={"username": USERNAME, "password": PASSWORD},
            timeout=30,
        )
        response.raise_for_status()
        return {"session": response.cookies[COOKIE], "csrf": response.json()["csrfToken"]}

    def set(self, case, data, context):
        case.cookies = {**(case.cookies or {}), COOKIE: data["session"]}
        case.headers = {**(case.headers or {}), "x-csrf-token": data["csrf"]}


@schemathesis.hook
def before_call(context, case, **kwargs):
    """Points a change to a kept account at a user that does not exist."""
    if case.operation.path != "/api/v1/users/{username}" or case.method.upper() == "GET":
        return
    if (case.path_parameters or {}).get("username") in KEEP_USERS:
        case.path_parameters = {**case.path_parameters, "username": "fuzz-kept-account"}
