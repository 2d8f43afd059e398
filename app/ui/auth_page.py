"""The sign-in and sign-up pages: plain HTML forms, so the token never reaches a script."""

from __future__ import annotations

from dataclasses import dataclass, field
from html import escape
from typing import Literal

from app.ui.logo import LOGO_SVG
from app.users.schemas import MIN_PASSWORD_CHARS
from app.web_paths import LOGIN_PATH, RESET_PATH, SIGNUP_PATH

Mode = Literal["login", "signup", "forgot", "reset"]
"""Sign in, sign up, ask for a reset link, set a new password with one."""

PAGE_STYLE = """
:root { color-scheme: light; --ink:#101828; --muted:#475467; --line:#d0d5dd; --brand:#5b3df5;
        --brand-dark:#4527d6; --bad:#b42318; --bad-bg:#fef3f2; --ok:#067647; --ok-bg:#ecfdf3; }
* { box-sizing: border-box; }
body { margin:0; min-height:100vh; font-family: Inter, "Segoe UI", system-ui, sans-serif;
       color:var(--ink); display:grid; place-items:center;
       background: radial-gradient(circle at 20% 10%, #ece8ff 0, transparent 45%),
                   radial-gradient(circle at 90% 90%, #e0f2fe 0, transparent 40%), #f8f9fc; }
main { width:min(420px, 92vw); }
.brand { display:flex; align-items:center; gap:.6rem; justify-content:center; margin-bottom:1.4rem; }
.logo { width:40px; height:40px; border-radius:11px; display:grid; place-items:center;
        background:linear-gradient(135deg,#7c5cff,#3b82f6); color:#fff; font-size:20px; }
.brand span { font-size:1.35rem; font-weight:700; letter-spacing:-.01em; }
.card { background:#fff; border:1px solid #eaecf0; border-radius:16px; padding:2rem;
        box-shadow:0 12px 32px -12px rgba(16,24,40,.18); }
h1 { font-size:1.45rem; margin:0 0 .3rem; }
p.lead { color:var(--muted); margin:0 0 1.4rem; }
label { display:block; font-weight:600; font-size:.92rem; margin:1rem 0 .35rem; }
input { width:100%; padding:.7rem .8rem; border:1px solid var(--line); border-radius:10px;
        font:inherit; }
input:focus { outline:3px solid #d9d1ff; border-color:var(--brand); }
.hint { color:var(--muted); font-size:.82rem; margin-top:.3rem; }
button { width:100%; margin-top:1.5rem; padding:.8rem; border:0; border-radius:10px;
         background:var(--brand); color:#fff; font:inherit; font-weight:600; cursor:pointer; }
button:hover { background:var(--brand-dark); }
.notice { border-radius:10px; padding:.75rem .9rem; margin-bottom:1rem; font-size:.93rem; }
.error { background:var(--bad-bg); color:var(--bad); border:1px solid #fecdca; }
.info { background:var(--ok-bg); color:var(--ok); border:1px solid #abefc6; }
.switch { text-align:center; margin-top:1.2rem; color:var(--muted); }
a { color:var(--brand); font-weight:600; }
"""


@dataclass(frozen=True)
class AuthPage:
    """What the page shows: which form, a message, and the values to keep after an error."""

    mode: Mode
    error: str | None = None
    info: str | None = None
    values: dict[str, str] = field(default_factory=dict)
    next_path: str | None = None
    """Where signing in returns to (a studio path), kept in a hidden field."""
    reset_token: str | None = None
    """The emailed reset link's token, kept in a hidden field of the new-password form."""
    show_form: bool = True
    """False once there is nothing left to type (a "check your email" page)."""


_PASSWORD_HINT = f"At least {MIN_PASSWORD_CHARS} characters, mixing letters with digits or symbols."


def _field(name: str, label: str, kind: str, value: str, autocomplete: str, hint: str = "") -> str:
    hint_html = f'<div class="hint" id="{name}-hint">{escape(hint)}</div>' if hint else ""
    described = f' aria-describedby="{name}-hint"' if hint else ""
    return (
        f'<label for="{name}">{escape(label)}</label>'
        f'<input id="{name}" name="{name}" type="{kind}" value="{escape(value)}" required '
        f'autocomplete="{autocomplete}"{described}>{hint_html}'
    )


def _login_form(values: dict[str, str]) -> tuple[str, str, str, str, str, str]:
    fields = _field("email", "Email", "email", values.get("email", ""), "email") + _field(
        "password", "Password", "password", "", "current-password"
    )
    switch = (
        f'New to the studio? <a href="{SIGNUP_PATH}">Create an account</a> · '
        f'<a href="{RESET_PATH}">Forgot your password?</a>'
    )
    lead = "Sign in to write, render and publish your films."
    return "Welcome back", lead, LOGIN_PATH, "Sign in", fields, switch


def _signup_form(values: dict[str, str]) -> tuple[str, str, str, str, str, str]:
    fields = (
        _field("name", "Name", "text", values.get("name", ""), "name")
        + _field("email", "Email", "email", values.get("email", ""), "email")
        + _field("password", "Password", "password", "", "new-password", _PASSWORD_HINT)
    )
    switch = f'Already have an account? <a href="{LOGIN_PATH}">Sign in</a>'
    lead = "Start on the Free plan with 3 credits: enough for a one-minute film."
    return "Create your account", lead, SIGNUP_PATH, "Create account", fields, switch


def _forgot_form(values: dict[str, str]) -> tuple[str, str, str, str, str, str]:
    fields = _field("email", "Email", "email", values.get("email", ""), "email")
    switch = f'Remembered it? <a href="{LOGIN_PATH}">Sign in</a>'
    lead = "We will email you a link to choose a new password."
    return "Reset your password", lead, RESET_PATH, "Email me a link", fields, switch


def _reset_form(values: dict[str, str]) -> tuple[str, str, str, str, str, str]:
    fields = _field("password", "New password", "password", "", "new-password", _PASSWORD_HINT)
    switch = f'<a href="{LOGIN_PATH}">Back to sign in</a>'
    lead = "Setting it signs you out everywhere else."
    return "Choose a new password", lead, RESET_PATH, "Set password", fields, switch


_FORMS = {
    "login": _login_form,
    "signup": _signup_form,
    "forgot": _forgot_form,
    "reset": _reset_form,
}


def render_auth_page(page: AuthPage) -> str:
    """The whole HTML document for the sign-in, sign-up or password-reset page."""
    title, lead, action, submit, fields, switch = _FORMS[page.mode](page.values)
    hidden = ""
    if page.next_path:
        hidden = f'<input type="hidden" name="next" value="{escape(page.next_path)}">'
    if page.reset_token:
        hidden += f'<input type="hidden" name="token" value="{escape(page.reset_token)}">'
    notice = ""
    if page.error:
        notice = f'<div class="notice error" role="alert">{escape(page.error)}</div>'
    elif page.info:
        notice = f'<div class="notice info" role="status">{escape(page.info)}</div>'
    form = ""
    if page.show_form:
        form = (
            f'<form method="post" action="{action}" novalidate>{hidden}{fields}'
            f'<button type="submit">{submit}</button></form>'
        )
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)} · AI Film Studio</title><style>{PAGE_STYLE}</style></head>
<body><main>
<div class="brand"><div class="logo">{LOGO_SVG}</div><span>AI Film Studio</span></div>
<div class="card"><h1>{escape(title)}</h1><p class="lead">{escape(lead)}</p>{notice}
{form}
</div><p class="switch">{switch}</p></main></body></html>"""
