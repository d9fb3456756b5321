"""Who owns a review: a secret this browser keeps, never shown and never in the address.

The first time a browser opens the app, a tiny component (JavaScript run in the page)
makes 24 random bytes, keeps them in a cookie for this site (``SameSite=Strict``, five
years) and sends them to the server. On every later visit, reload or server restart the
server reads the cookie from the connection. Reviews are stored under a hash of that
secret, so the database never holds the secret itself, and a review's address alone
(``?review=…``) opens nothing in another browser: its owner differs.

This is not a login: someone who copies the cookie out of the browser is that reviewer.
Operators who need named accounts put the app behind their sign-in proxy (README).
"""

from __future__ import annotations

import hashlib
import re

import streamlit as st

OWNER = "review.owner"  # the owner id of this session (a hash of the browser's secret)
OWNER_COOKIE = "fairness_explorer_owner"
_COMPONENT_KEY = "review.owner_component"
_TOKEN = re.compile(r"^[0-9a-f]{48}$")

# Trusted, fixed code (no text from files or users): read the cookie, or make it.
_OWNER_JS = """
export default function (component) {
  const name = "COOKIE_NAME";
  const found = document.cookie.split("; ").find((c) => c.startsWith(name + "="));
  let token = found ? found.slice(name.length + 1) : "";
  if (!/^[0-9a-f]{48}$/.test(token)) {
    const bytes = new Uint8Array(24);
    crypto.getRandomValues(bytes);
    token = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
    const fiveYears = 5 * 365 * 24 * 60 * 60;
    document.cookie = `${name}=${token}; path=/; max-age=${fiveYears}; SameSite=Strict`;
  }
  component.setStateValue("token", token);
}
""".replace("COOKIE_NAME", OWNER_COOKIE)

_owner_component = st.components.v2.component("fairness_explorer_owner", js=_OWNER_JS)


def owner_id(token: str) -> str:
    """The id reviews are stored under: a hash of the browser's secret."""
    return hashlib.sha256(f"fairness-explorer-owner:{token}".encode()).hexdigest()


def _noop() -> None:
    """The component's state needs a change callback to be reported (Streamlit 1.67)."""


def known_owner() -> str | None:
    """This browser's owner id when app.py has already learnt it (draws nothing)."""
    known: str | None = st.session_state.get(OWNER)
    return known or None


def current_owner() -> str | None:
    """This browser's owner id, or None until the browser has answered (first visit).

    Called once per run, by app.py: on a first visit it draws the component that asks.
    """
    known: str | None = st.session_state.get(OWNER)
    if known:
        return known
    token: object = st.context.cookies.get(OWNER_COOKIE)
    if not isinstance(token, str) or not _TOKEN.match(token):
        result = _owner_component(key=_COMPONENT_KEY, height=0, on_token_change=_noop)
        token = result.get("token")
    if not isinstance(token, str) or not _TOKEN.match(token):
        return None
    st.session_state[OWNER] = owner_id(token)
    return str(st.session_state[OWNER])
