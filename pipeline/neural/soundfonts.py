"""The General MIDI soundfonts the music styles may play through, with their licences.

These are not downloaded like model weights: they are Debian packages (the Makefile installs
the small one where apt is available), found at their installed paths. Only soundfonts whose
licence was checked are looked for; a creator may name any other file (MUSIC_SOUNDFONT).
Licences were read from each package's /usr/share/doc/<package>/copyright.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pipeline.neural.model_spec import CommercialUse


@dataclass(frozen=True)
class SoundFontSpec:
    """A known soundfont: its Debian package, installed file, size and licence."""

    name: str
    package: str
    path: Path
    approx_size_mb: int
    licence: str
    commercial_use: CommercialUse
    licence_note: str = ""


MUSESCORE_GENERAL_LITE = SoundFontSpec(
    name="musescore-general-lite",
    package="musescore-general-soundfont-small",
    path=Path("/usr/share/sounds/sf3/MuseScore_General_Lite.sf3"),
    approx_size_mb=40,
    licence="MIT (parts public domain or CC0)",
    commercial_use="yes",
    licence_note=(
        "MuseScore_General by S. Christian Collins, built on Fluid (R3) GM (MIT, Frank Wen) "
        "and its mono version (MIT, Michael Cowgill); drumline samples CC0, grand piano "
        "public domain. Ogg Vorbis compressed (SF3): decoded once per process (the styles' "
        "instruments: about 290 MB of samples in memory)."
    ),
)
FLUID_R3_GM = SoundFontSpec(
    name="fluid-r3-gm",
    package="fluid-soundfont-gm",
    path=Path("/usr/share/sounds/sf2/FluidR3_GM.sf2"),
    approx_size_mb=148,
    licence="MIT",
    commercial_use="yes",
    licence_note="Fluid (R3) GM by Frank Wen, released under the MIT licence (its README).",
)

SOUNDFONTS: tuple[SoundFontSpec, ...] = (FLUID_R3_GM, MUSESCORE_GENERAL_LITE)
"""Looked for in this order. Fluid R3 first where both are installed: cut down to the styles'
instruments it loads in about a second and holds about 67 MB of samples in memory, where
MuseScore_General_Lite (SF3, the small download CI installs) takes a few seconds to decode
and holds about 290 MB."""


def installed_soundfont() -> SoundFontSpec | None:
    """The first known soundfont installed on this machine, or None."""
    return next((spec for spec in SOUNDFONTS if spec.path.is_file()), None)
