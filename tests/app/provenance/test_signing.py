"""C2PA manifests signed into real rendered films (320x180, a few seconds) and read back."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest

from app.provenance.dev_ca import make_dev_credentials
from app.provenance.films import sign_film
from app.provenance.keys import SigningKeys, configured_keys, development_keys
from app.provenance.manifest import (
    COMPOSITE_WITH_TRAINED_ALGORITHMIC_MEDIA,
    TRAINED_ALGORITHMIC_MEDIA,
    software_version,
)
from app.provenance.reading import UNTRUSTED_CODE, read_provenance
from pipeline.film import FilmResult, render_film
from pipeline.film_request import FilmRequest
from pipeline.media.probe import measure_loudness, probe
from pipeline.music.choice import MusicChoice
from tests.pipeline.render_media import write_picture

SMALL = (320, 180)
SECONDS = 8.0
SCRIPT = "MAYA: The lighthouse is dark tonight.\n\nThe sea rolled under the cliff."
CPU_USED = {"tts": "espeak", "music": "procedural", "video": "kenburns", "lipsync": "none"}


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> tuple[FilmResult, list[Path]]:
    folder = tmp_path_factory.mktemp("film")
    images = [
        write_picture(folder / "MAYA.png", 300, 400, 1),
        write_picture(folder / "sea.jpg", 480, 270, 2),
    ]
    request = FilmRequest(
        script=SCRIPT,
        images=tuple(images),
        duration_s=SECONDS,
        music=MusicChoice.named("ambient"),
        size=SMALL,
    )
    return render_film(request, folder / "out", lambda _s, _f: None), images


@pytest.fixture(scope="module")
def keys(tmp_path_factory: pytest.TempPathFactory) -> SigningKeys:
    return development_keys(tmp_path_factory.mktemp("data"))


def _copy(result: FilmResult, tmp_path: Path) -> Path:
    return Path(shutil.copy(result.video, tmp_path / "film.mp4"))


def test_signed_film_reads_back_valid_with_actions_source_type_and_ingredient_hashes(
    rendered: tuple[FilmResult, list[Path]], keys: SigningKeys, tmp_path: Path
) -> None:
    result, images = rendered
    film = _copy(result, tmp_path)
    used = {**CPU_USED, "tts": "piper:en_US-lessac-medium"}
    sign_film(film, keys, used, images, composite=True, disclosure_label=True)

    assert keys.ca_pem is not None
    found = read_provenance(film, trust_anchors_pem=keys.ca_pem)
    assert found.present and found.valid and found.trusted, found.failures
    assert found.validation_state == "Trusted"
    action = found.created_action()
    assert action is not None
    assert action["digitalSourceType"] == COMPOSITE_WITH_TRAINED_ALGORITHMIC_MEDIA
    assert action["softwareAgent"] == {"name": "AI Film Studio", "version": software_version()}
    assert action["parameters"]["neural"] == [
        {"stage": "tts", "model": "piper:en_US-lessac-medium"}
    ]
    assert action["parameters"]["stages"] == dict(sorted(used.items()))
    assert action["parameters"]["visible_ai_label"] is True
    expected = [hashlib.sha256(path.read_bytes()).hexdigest() for path in images]
    assert found.ingredient_hashes() == expected
    assert found.manifest is not None
    for ingredient in found.manifest["ingredients"]:
        assert "thumbnail" not in ingredient  # hashes only, never the pictures

    untrusted = read_provenance(film)  # no trust anchors: valid, but not trusted
    assert untrusted.valid and not untrusted.trusted
    assert [item["code"] for item in untrusted.failures] == [UNTRUSTED_CODE]


def test_signing_keeps_the_film_contract(
    rendered: tuple[FilmResult, list[Path]], keys: SigningKeys, tmp_path: Path
) -> None:
    result, images = rendered
    film = _copy(result, tmp_path)
    before = probe(film)
    sign_film(film, keys, CPU_USED, images, composite=True)
    after = probe(film)
    assert after.faststart is True
    assert after.duration_s == pytest.approx(before.duration_s, abs=1e-6)
    assert after.duration_s == pytest.approx(SECONDS, rel=0.02)
    assert after.video == before.video and after.audio == before.audio
    loudness = measure_loudness(film)
    assert loudness.integrated_lufs == pytest.approx(-14.0, abs=1.0)
    assert loudness.true_peak_dbtp <= -1.0
    assert sorted(path.name for path in tmp_path.iterdir()) == ["film.mp4"]


def test_changed_bytes_fail_validation(
    rendered: tuple[FilmResult, list[Path]], keys: SigningKeys, tmp_path: Path
) -> None:
    result, images = rendered
    film = _copy(result, tmp_path)
    sign_film(film, keys, CPU_USED, images, composite=True)
    data = bytearray(film.read_bytes())
    data[data.find(b"mdat") + 4096] ^= 0xFF
    film.write_bytes(bytes(data))
    found = read_provenance(film, trust_anchors_pem=keys.ca_pem)
    assert found.present and not found.valid
    assert found.validation_state == "Invalid"
    assert "assertion.bmffHash.mismatch" in [item["code"] for item in found.failures]


def test_unsigned_film_has_no_manifest(rendered: tuple[FilmResult, list[Path]]) -> None:
    found = read_provenance(rendered[0].video)
    assert not found.present and not found.valid and found.validation_state is None


def test_film_without_images_is_trained_algorithmic_media_signed_by_configured_keys(
    rendered: tuple[FilmResult, list[Path]], tmp_path: Path
) -> None:
    made = make_dev_credentials()
    chain_file = tmp_path / "chain.pem"
    chain_file.write_bytes(made.chain_pem)
    production = configured_keys(str(chain_file), made.private_key_pem.decode())
    assert production.algorithm == "es256" and not production.development
    film = _copy(rendered[0], tmp_path)
    sign_film(film, production, CPU_USED, [], composite=False)
    found = read_provenance(film, trust_anchors_pem=made.ca_pem)
    assert found.trusted
    action = found.created_action()
    assert action is not None and action["digitalSourceType"] == TRAINED_ALGORITHMIC_MEDIA
    assert found.ingredient_hashes() == []


def test_development_keys_are_made_once(tmp_path: Path) -> None:
    first = development_keys(tmp_path)
    second = development_keys(tmp_path)
    assert first == second
    assert (tmp_path / "c2pa" / "signer.key").stat().st_mode & 0o777 == 0o600


def test_half_configured_keys_are_refused(tmp_path: Path) -> None:
    from app.config import Settings
    from app.provenance.films import signing_keys
    from app.provenance.keys import SigningKeyError

    made = make_dev_credentials()
    half = Settings(_env_file=None, data_dir=tmp_path, c2pa_cert_chain=made.chain_pem.decode())
    with pytest.raises(SigningKeyError, match="Set both C2PA_CERT_CHAIN and C2PA_PRIVATE_KEY"):
        signing_keys(half)
    with pytest.raises(SigningKeyError, match="neither PEM text nor a readable file"):
        configured_keys(str(tmp_path / "missing.pem"), made.private_key_pem.decode())
