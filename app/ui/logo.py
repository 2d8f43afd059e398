"""The studio's logo: a play mark drawn in SVG (no emoji font or image file needed)."""

from __future__ import annotations

LOGO_SVG = (
    '<svg viewBox="0 0 24 24" width="22" height="22" aria-hidden="true" focusable="false">'
    '<path d="M8 5.5v13a1 1 0 0 0 1.5.86l10.2-6.5a1 1 0 0 0 0-1.72L9.5 4.64A1 1 0 0 0 8 5.5z" '
    'fill="#fff"/></svg>'
)
