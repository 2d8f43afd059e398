"""Where the studio lives in the app's URL space."""

from __future__ import annotations

STUDIO_PATH = "/studio"
"""The Gradio studio's mount point."""

LOGIN_PATH = f"{STUDIO_PATH}/login"
SIGNUP_PATH = f"{STUDIO_PATH}/signup"
LOGOUT_PATH = f"{STUDIO_PATH}/logout"
STUDIO_HOME = f"{STUDIO_PATH}/"
"""The studio's main page (Gradio serves it with the trailing slash)."""

STUDIO_PAGES = frozenset({STUDIO_PATH, STUDIO_HOME})
"""Paths that render the studio page itself; an anonymous visit there goes to the login page."""
