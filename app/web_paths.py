"""Where the studio's pages live in the app's URL space: the UI serves them, and API routes a
browser visits (the YouTube callback) send it back to them."""

from __future__ import annotations

STUDIO_PATH = "/studio"
"""The Gradio studio's mount point."""

LOGIN_PATH = f"{STUDIO_PATH}/login"
SIGNUP_PATH = f"{STUDIO_PATH}/signup"
LOGOUT_PATH = f"{STUDIO_PATH}/logout"
CONFIRM_PATH = f"{STUDIO_PATH}/confirm"
"""Where an email's confirmation link lands."""
RESET_PATH = f"{STUDIO_PATH}/reset-password"
"""Where a password-reset link lands (and where a reset is asked for)."""
STUDIO_HOME = f"{STUDIO_PATH}/"
"""The studio's main page (Gradio serves it with the trailing slash)."""

STUDIO_PAGES = frozenset({STUDIO_PATH, STUDIO_HOME})
"""Paths that render the studio page itself; an anonymous visit there goes to the login page."""
