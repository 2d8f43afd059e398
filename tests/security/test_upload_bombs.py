"""Images that decode to far more than they weigh are refused; big images are stored shrunk."""

from __future__ import annotations

import io
import struct
import zlib

import httpx
from PIL import Image

from app.context import AppContext
from app.uploads.image_guard import STORED_MAX_SIDE_PX
from tests.support.accounts import register


def _png(width: int, height: int, bit_depth: int = 8, color_type: int = 2) -> bytes:
    """A real, complete PNG of one flat colour, compressed to almost nothing."""
    channels = {0: 1, 2: 3, 6: 4}[color_type]
    row = b"\0" + b"\0" * (width * channels * bit_depth // 8)
    compressor = zlib.compressobj(9)
    body = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", width, height, bit_depth, color_type, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", body) + chunk(b"IEND", b"")
    )


async def test_a_small_png_that_decodes_to_gigabytes_is_422(client: httpx.AsyncClient) -> None:
    account = await register(client)
    bomb = _png(6300, 6300)
    assert len(bomb) < 200_000
    response = await client.post(
        "/api/uploads/images",
        files=[("files", ("bomb.png", bomb, "image/png"))],
        headers=account.headers,
    )
    assert response.status_code == 422, response.text
    assert response.json()["code"] == "bad_image"
    assert "MB" in response.json()["detail"]


async def test_sixteen_bit_depth_counts_against_the_budget(client: httpx.AsyncClient) -> None:
    account = await register(client)
    deep = _png(3000, 3000, bit_depth=16, color_type=6)  # 8 bytes a pixel: ~69 MB decoded
    assert 3000 * 3000 * 4 < 64 * 1024 * 1024  # what an 8-bit reading would have allowed
    response = await client.post(
        "/api/uploads/images",
        files=[("files", ("deep.png", deep, "image/png"))],
        headers=account.headers,
    )
    assert response.status_code == 422, response.text


async def test_large_images_are_stored_shrunk_to_the_largest_film_frame(
    client: httpx.AsyncClient, context: AppContext
) -> None:
    account = await register(client)
    big = io.BytesIO()
    Image.new("RGB", (4000, 3000), (200, 120, 40)).save(big, "JPEG", quality=80)
    response = await client.post(
        "/api/uploads/images",
        files=[("files", ("wide.jpg", big.getvalue(), "image/jpeg"))],
        headers=account.headers,
    )
    assert response.status_code == 201, response.text
    stored = response.json()["images"][0]
    assert max(stored["width"], stored["height"]) == STORED_MAX_SIDE_PX
    assert stored["width"] / stored["height"] == 4000 / 3000
