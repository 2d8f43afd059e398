"""Reading the links out of account emails."""

from __future__ import annotations

import re
from urllib.parse import unquote

_TOKEN = re.compile(r"token=([A-Za-z0-9_.\-%]+)")


def link_token(body: str) -> str:
    """The token of the (first) link in an email's body."""
    found = _TOKEN.search(body)
    assert found, body
    return unquote(found.group(1))
