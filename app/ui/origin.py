"""Login CSRF defence for the studio's forms: a cross-site form post is refused.

Browsers send `Origin` on every cross-origin POST (and `Sec-Fetch-Site`); a form on another
site that signs the victim into the attacker's account, or out of their own, shows itself by
either. Clients that send neither (curl, tests) are not browsers and carry no victim's cookies.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from starlette.requests import Request

CROSS_SITE_FETCH = frozenset({"cross-site", "same-site"})


def same_origin(request: Request) -> bool:
    """Whether a state-changing form post comes from the studio's own pages."""
    if request.headers.get("sec-fetch-site", "").lower() in CROSS_SITE_FETCH:
        return False
    origin = request.headers.get("origin")
    if origin is None:
        return True
    host = request.headers.get("host", "").lower()
    parts = urlsplit(origin)  # "null" (a sandboxed or privacy-sensitive form) has no host
    return parts.scheme in ("http", "https") and parts.netloc.lower() == host
