"""Downloads are saved under the film's title: a safe name, an ASCII fallback and the UTF-8
filename* of RFC 5987, signed into local links and set on S3's presigned ones."""

from __future__ import annotations

import time
from urllib.parse import parse_qsl, quote, urlencode, urlsplit

import httpx

from app.context import AppContext
from app.download_names import MAX_NAME_CHARS, ascii_name, content_disposition, download_name
from app.storage import LocalStorage


def test_a_title_becomes_a_safe_download_name() -> None:
    assert download_name("Rain on the Ghat", "mp4") == "Rain on the Ghat.mp4"
    assert download_name("../../etc/passwd", "srt") == "etc passwd.srt"
    assert download_name('Say "hi"\r\nSet-Cookie: x=1', "mp4") == "Say hi Set-Cookie x=1.mp4"
    assert download_name(" ... ", "vtt") == "film.vtt"
    long = download_name("x" * 400, "mp4")
    assert len(long) == MAX_NAME_CHARS and long.endswith(".mp4")


def test_the_header_has_an_ascii_name_and_the_utf8_name() -> None:
    assert ascii_name("Café «noir».mp4") == "Cafe noir.mp4"
    assert ascii_name("नदी.mp4") == "film.mp4"
    header = content_disposition("Café नदी.mp4")
    assert header == (
        "attachment; filename=\"Cafe.mp4\"; filename*=UTF-8''Caf%C3%A9%20%E0%A4%A8%E0%A4%A6%E0%A5%80.mp4"
    )
    assert "\r" not in content_disposition("a\r\nb.mp4") and "\n" not in content_disposition("a\nb")


async def test_a_local_link_downloads_under_its_signed_name(
    client: httpx.AsyncClient, context: AppContext
) -> None:
    storage = context.storage
    assert isinstance(storage, LocalStorage)
    key = f"projects/names-{time.time_ns()}/jobs/j/film.mp4"
    storage.put_bytes(key, b"\0\0\0\x18ftypmp42", "video/mp4")
    title = "Café नदी"

    named = urlsplit(storage.url(key, filename=download_name(title, "mp4")))
    answer = await client.get(f"{named.path}?{named.query}")
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-disposition"] == content_disposition(f"{title}.mp4")
    assert f"filename*=UTF-8''{quote(title)}.mp4" in answer.headers["content-disposition"]

    query = dict(parse_qsl(named.query))
    assert query["name"] == f"{title}.mp4"
    renamed = urlencode({**query, "name": "invoice.exe"})
    refused = await client.get(f"{named.path}?{renamed}")
    assert refused.status_code == 403
    assert refused.json()["code"] and "invalid or has expired" in refused.json()["detail"]

    plain = urlsplit(storage.url(key))
    unnamed = await client.get(f"{plain.path}?{plain.query}")
    assert unnamed.status_code == 200
    assert unnamed.headers["content-disposition"] == content_disposition("film.mp4")
    storage.delete_prefix(key.rsplit("/jobs/", 1)[0] + "/")
