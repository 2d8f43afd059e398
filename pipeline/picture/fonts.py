"""Fonts for title cards and burned-in subtitles, chosen by the script of the text.

Latin (with Greek and Cyrillic), Devanagari, Tamil and Telugu come from PyPI wheels (the Noto
Sans families packaged by `fontpkg`, OFL-1.1), so nothing is fetched at run time and no
system font is needed. Each Indic Noto family also covers Latin, so a Hindi line with digits
or English words renders in one font; Pillow's Raqm layout (HarfBuzz + FriBidi) shapes
conjuncts and vowel signs. Other Indic scripts use a system Noto or Lohit font when one is
installed (Debian: fonts-noto-core or fonts-lohit-*); without one, missing_font() says so.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

from PIL import ImageFont

from pipeline.errors import FontMissingError

LATIN_PACKAGE = "fontpkg_noto_sans"
"""Noto Sans: Latin, Greek and Cyrillic."""

SYSTEM_FONT_DIRS = (Path("/usr/share/fonts"), Path("/usr/local/share/fonts"))
"""Where installed system fonts are looked for."""

BOLD_WEIGHT = 700
"""Weight axis value for title text."""
REGULAR_WEIGHT = 500
"""Weight axis value for subtitles (a little heavier than 400 for legibility on video)."""


@dataclass(frozen=True)
class ScriptFont:
    """Where to find a font for one Unicode block: a wheel, else system font file names."""

    script: str
    first: int
    last: int
    package: str | None
    system_names: tuple[str, ...] = ()


SCRIPT_FONTS: tuple[ScriptFont, ...] = (
    ScriptFont("Devanagari", 0x0900, 0x097F, "fontpkg_noto_sans_devanagari"),
    ScriptFont("Devanagari", 0xA8E0, 0xA8FF, "fontpkg_noto_sans_devanagari"),
    ScriptFont("Tamil", 0x0B80, 0x0BFF, "fontpkg_noto_sans_tamil"),
    ScriptFont("Telugu", 0x0C00, 0x0C7F, "fontpkg_noto_sans_telugu"),
    ScriptFont(
        "Bengali", 0x0980, 0x09FF, None, ("NotoSansBengali-Regular.ttf", "Lohit-Bengali.ttf")
    ),
    ScriptFont(
        "Gurmukhi", 0x0A00, 0x0A7F, None, ("NotoSansGurmukhi-Regular.ttf", "Lohit-Gurmukhi.ttf")
    ),
    ScriptFont(
        "Gujarati", 0x0A80, 0x0AFF, None, ("NotoSansGujarati-Regular.ttf", "Lohit-Gujarati.ttf")
    ),
    ScriptFont(
        "Kannada", 0x0C80, 0x0CFF, None, ("NotoSansKannada-Regular.ttf", "Lohit-Kannada.ttf")
    ),
    ScriptFont(
        "Malayalam", 0x0D00, 0x0D7F, None, ("NotoSansMalayalam-Regular.ttf", "Lohit-Malayalam.ttf")
    ),
)
"""The font for each non-Latin Unicode block the studio's languages use."""


def _package_file(package: str) -> Path:
    try:
        folder = resources.files(package) / "files"
    except ModuleNotFoundError as error:
        raise FontMissingError(
            f"The font package {package} is not installed; reinstall the project's dependencies."
        ) from error
    upright = sorted(
        Path(str(entry))
        for entry in folder.iterdir()
        if entry.name.endswith(".ttf") and "Italic" not in entry.name
    )
    if not upright:
        raise FontMissingError(f"The font package {package} holds no upright TrueType font.")
    return upright[0]


@lru_cache(maxsize=16)
def _system_file(names: tuple[str, ...]) -> Path | None:
    for folder in SYSTEM_FONT_DIRS:
        if not folder.is_dir():
            continue
        for name in names:
            found = next(iter(sorted(folder.rglob(name))), None)
            if found is not None:
                return found
    return None


def _dominant_script(text: str) -> ScriptFont | None:
    counts: dict[ScriptFont, int] = {}
    for char in text:
        point = ord(char)
        for entry in SCRIPT_FONTS:
            if entry.first <= point <= entry.last:
                counts[entry] = counts.get(entry, 0) + 1
                break
    if not counts:
        return None
    return max(counts, key=lambda entry: counts[entry])


def font_file_for(text: str) -> Path:
    """The font file to draw text with: the one for its most used script, else Noto Sans."""
    entry = _dominant_script(text)
    if entry is not None:
        if entry.package is not None:
            return _package_file(entry.package)
        found = _system_file(entry.system_names)
        if found is not None:
            return found
    return _package_file(LATIN_PACKAGE)


def missing_font(text: str) -> str | None:
    """The name of a script in text that no installed font covers (drawn as boxes), or None."""
    for char in set(text):
        point = ord(char)
        for entry in SCRIPT_FONTS:
            if entry.first <= point <= entry.last:
                if entry.package is None and _system_file(entry.system_names) is None:
                    return entry.script
                break
    return None


@lru_cache(maxsize=32)
def _load(path: Path, size_px: int, weight: int) -> ImageFont.FreeTypeFont:
    font = ImageFont.truetype(str(path), size_px, layout_engine=ImageFont.Layout.RAQM)
    try:
        axes = font.get_variation_axes()
    except OSError:
        return font
    values: list[float] = []
    for axis in axes:
        name = axis["name"]
        label = name.decode() if isinstance(name, bytes) else str(name)
        lowest = float(axis["minimum"] or 0)
        highest = float(axis["maximum"] or 0)
        if label.lower() == "weight":
            values.append(max(lowest, min(highest, float(weight))))
        else:
            values.append(float(axis["default"] or lowest))
    font.set_variation_by_axes(values)
    return font


def family_name(path: Path) -> str:
    """The family name a font file declares (what libass matches, e.g. "Noto Sans")."""
    return str(_load(path, 32, REGULAR_WEIGHT).getname()[0])


def font_for(text: str, size_px: int, bold: bool = False) -> ImageFont.FreeTypeFont:
    """A shaped-text font for text at size_px, bold for titles; cached per file and size."""
    weight = BOLD_WEIGHT if bold else REGULAR_WEIGHT
    return _load(font_file_for(text), max(1, int(size_px)), weight)
