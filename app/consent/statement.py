"""The likeness consent statement an uploader agrees to for an image with a face."""

from __future__ import annotations

STATEMENT_VERSION = "likeness-v1"
"""Bump it whenever STATEMENT changes; each consent records the version agreed to."""
STATEMENT = "I am this person, or I have their permission to make them speak in films."
