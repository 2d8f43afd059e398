"""A General MIDI soundfont cut down to the presets the styles play.

TinySoundFont holds every sample of a soundfont in memory as float32 (about 285 MB for Fluid
R3, 490 MB for MuseScore_General_Lite once its Ogg Vorbis samples are decoded), while the
styles play about a dozen instruments. subset_soundfont() rewrites the SF2/SF3 file in memory
keeping only the chosen presets, the instruments they use and those instruments' samples
(stereo partners included), with every index and sample offset remapped; the sound of a kept
preset is unchanged (the tests compare renders sample for sample). Given the keys a film plays on
each preset, it also leaves out the zones (and so the samples) of keys no note reaches: a style
plays a dozen keys an instrument, so most of a multi-sampled instrument is never heard.

The layout is the SoundFont 2.04 RIFF form: INFO, sdta (smpl: 16-bit samples, or for SF3 one
compressed blob per sample) and pdta's nine tables, each ending in a terminal record.
"""

from __future__ import annotations

import mmap
import struct
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from pipeline.errors import BackendUnavailableError

INSTRUMENT_GEN = 41
"""Preset generator naming an instrument."""
SAMPLE_GEN = 53
"""Instrument generator naming a sample."""
KEY_RANGE_GEN = 43
"""Generator limiting a zone to a range of keys (low key in its low byte, high in its high)."""
ALL_KEYS = frozenset(range(128))

Preset = tuple[int, int]
"""(bank, program)."""
COMPRESSED = 0x10
"""SF3 sample type flag: the sample is an Ogg Vorbis blob, its loop points relative to it."""
GUARD_POINTS = 46
"""Zero samples SoundFont 2 wants after each PCM sample."""
_SIZES = {
    "phdr": 38, "pbag": 4, "pmod": 10, "pgen": 4,
    "inst": 22, "ibag": 4, "imod": 10, "igen": 4, "shdr": 46,
}  # fmt: skip


@dataclass
class _Riff:
    info: bytes
    smpl: memoryview
    tables: dict[str, list[bytes]]


def _chunks(data: memoryview) -> dict[str, memoryview]:
    """The chunks in data by id (LIST chunks as LIST + their type), as views (no copies)."""
    found: dict[str, memoryview] = {}
    position = 0
    while position + 8 <= len(data):
        kind = bytes(data[position : position + 4]).decode("latin-1")
        size = struct.unpack_from("<I", data, position + 4)[0]
        body = data[position + 8 : position + 8 + size]
        key = kind + bytes(body[:4]).decode("latin-1") if kind == "LIST" else kind
        found[key] = body[4:] if kind == "LIST" else body
        position += 8 + size
        if size & 1 and not bytes(data[position : position + 4]).isalpha():
            position += 1  # the pad byte RIFF asks for (some SF3 files leave it out)
    return found


def _parse(data: memoryview) -> _Riff:
    if bytes(data[:4]) != b"RIFF" or bytes(data[8:12]) != b"sfbk":
        raise BackendUnavailableError("The soundfont is not a SoundFont 2 (RIFF sfbk) file.")
    top = _chunks(data[12:])
    sdta, pdta = _chunks(top["LISTsdta"]), _chunks(top["LISTpdta"])
    tables = {}
    for name, size in _SIZES.items():
        body = pdta[name]
        tables[name] = [bytes(body[i : i + size]) for i in range(0, len(body), size)]
    return _Riff(bytes(top["LISTINFO"]), sdta["smpl"], tables)


def _u16(record: bytes, offset: int) -> int:
    return int(struct.unpack_from("<H", record, offset)[0])


def _gen_amount(record: bytes) -> tuple[int, int]:
    return _u16(record, 0), _u16(record, 2)


def _with_u16(record: bytes, offset: int, value: int) -> bytes:
    return record[:offset] + struct.pack("<H", value) + record[offset + 2 :]


def _zones(
    headers: list[bytes],
    index_offset: int,
    bags: list[bytes],
    gens: list[bytes],
    mods: list[bytes],
    keep: list[int],
    keep_bag: Callable[[int, int], bool] = lambda _number, _bag: True,
) -> tuple[list[bytes], list[bytes], list[bytes], list[bytes]]:
    """Keep the headers numbered in keep with their bags (those keep_bag(number, bag) allows),
    generators and modulators."""
    new_headers: list[bytes] = []
    new_bags: list[bytes] = []
    new_gens: list[bytes] = []
    new_mods: list[bytes] = []
    for number in keep:
        header = headers[number]
        first_bag = _u16(header, index_offset)
        end_bag = _u16(headers[number + 1], index_offset)
        new_headers.append(_with_u16(header, index_offset, len(new_bags)))
        for bag in range(first_bag, end_bag):
            if not keep_bag(number, bag):
                continue
            gen_first, mod_first = _u16(bags[bag], 0), _u16(bags[bag], 2)
            gen_end, mod_end = _u16(bags[bag + 1], 0), _u16(bags[bag + 1], 2)
            new_bags.append(struct.pack("<HH", len(new_gens), len(new_mods)))
            new_gens.extend(gens[gen_first:gen_end])
            new_mods.extend(mods[mod_first:mod_end])
    new_headers.append(_with_u16(headers[-1], index_offset, len(new_bags)))
    new_bags.append(struct.pack("<HH", len(new_gens), len(new_mods)))
    new_gens.append(gens[-1])
    new_mods.append(mods[-1])
    return new_headers, new_bags, new_gens, new_mods


def _remap_gens(gens: list[bytes], operator: int, mapping: dict[int, int]) -> list[bytes]:
    out = []
    for record in gens:
        oper, amount = _gen_amount(record)
        out.append(_with_u16(record, 2, mapping[amount]) if oper == operator else record)
    return out


def _zone_keys(
    bags: list[bytes], gens: list[bytes], bag: int, target: int
) -> tuple[int | None, frozenset[int]]:
    """The instrument (or sample) a zone names, None for a global zone, and the keys it spans."""
    named = None
    reached = ALL_KEYS
    for record in gens[_u16(bags[bag], 0) : _u16(bags[bag + 1], 0)]:
        oper, amount = _gen_amount(record)
        if oper == KEY_RANGE_GEN:
            reached = frozenset(range(amount & 0xFF, (amount >> 8) + 1))
        elif oper == target:
            named = amount
    return named, reached


def _referenced(gens: list[bytes], operator: int) -> set[int]:
    return {amount for oper, amount in map(_gen_amount, gens) if oper == operator}


def subset_soundfont(
    data: bytes | memoryview | mmap.mmap,
    presets: Iterable[Preset],
    keys: Mapping[Preset, Iterable[int]] | None = None,
) -> bytes:
    """The soundfont in data keeping only the (bank, program) presets given; with keys, only
    the zones of each preset (and of its instruments) that some key in keys[preset] plays
    (a preset missing from keys keeps every zone)."""
    riff = _parse(memoryview(data))
    tables = riff.tables
    wanted = set(presets)
    preset_of = {
        number: (_u16(header, 22), _u16(header, 20))
        for number, header in enumerate(tables["phdr"][:-1])
    }
    keep_presets = [number for number, preset in preset_of.items() if preset in wanted]
    played = {
        number: ALL_KEYS
        if keys is None or preset_of[number] not in keys
        else frozenset(keys[preset_of[number]])
        for number in keep_presets
    }
    instrument_keys: dict[int, set[int]] = {}

    def keep_preset_bag(number: int, bag: int) -> bool:
        instrument, reached = _zone_keys(tables["pbag"], tables["pgen"], bag, INSTRUMENT_GEN)
        if instrument is None:
            return True  # a global zone
        heard = played[number] & reached
        instrument_keys.setdefault(instrument, set()).update(heard)
        return bool(heard)

    phdr, pbag, pgen, pmod = _zones(
        tables["phdr"], 24, tables["pbag"], tables["pgen"], tables["pmod"], keep_presets,
        keep_preset_bag,
    )  # fmt: skip
    keep_inst = sorted(_referenced(pgen[:-1], INSTRUMENT_GEN))

    def keep_instrument_bag(number: int, bag: int) -> bool:
        sample, reached = _zone_keys(tables["ibag"], tables["igen"], bag, SAMPLE_GEN)
        return sample is None or bool(instrument_keys.get(number, set()) & reached)

    inst, ibag, igen, imod = _zones(
        tables["inst"], 20, tables["ibag"], tables["igen"], tables["imod"], keep_inst,
        keep_instrument_bag,
    )  # fmt: skip
    pgen = _remap_gens(pgen, INSTRUMENT_GEN, {old: new for new, old in enumerate(keep_inst)})
    samples = tables["shdr"]
    keep_samples = _referenced(igen[:-1], SAMPLE_GEN)
    keep_samples |= {_u16(samples[s], 42) for s in keep_samples if _u16(samples[s], 44) & 0x0E}
    order = sorted(s for s in keep_samples if s < len(samples) - 1)
    new_index = {old: new for new, old in enumerate(order)}
    igen = _remap_gens(igen, SAMPLE_GEN, new_index)
    smpl, shdr = _samples(riff.smpl, samples, order, new_index)
    pdta = {"phdr": phdr, "pbag": pbag, "pmod": pmod, "pgen": pgen, "inst": inst}
    pdta |= {"ibag": ibag, "imod": imod, "igen": igen, "shdr": shdr}
    return _write(riff.info, smpl, pdta)


def _samples(
    smpl: memoryview, samples: list[bytes], order: list[int], new_index: dict[int, int]
) -> tuple[list[bytes | memoryview], list[bytes]]:
    """The kept samples' data (pieces, an even number of bytes in all) and their headers
    with offsets and links remapped."""
    parts: list[bytes | memoryview] = []
    headers: list[bytes] = []
    written = 0
    for old in order:
        header = samples[old]
        start, end, loop_start, loop_end = struct.unpack_from("<IIII", header, 20)
        sample_type = _u16(header, 44)
        if sample_type & COMPRESSED:  # byte offsets of a blob; loops relative to the sample
            blob = smpl[start:end]
            new_start, new_end = written, written + len(blob)
            loops = (loop_start, loop_end)
            parts.append(blob)
            written += len(blob)
        else:  # 16-bit frames; loops absolute
            blob = smpl[2 * start : 2 * (end + GUARD_POINTS)]  # with the file's guard points
            short = 2 * (end + GUARD_POINTS - start) - len(blob)
            new_start = written // 2
            new_end = new_start + (end - start)
            loops = (loop_start - start + new_start, loop_end - start + new_start)
            parts.extend([blob, bytes(short)])
            written += len(blob) + short
        link = _u16(header, 42)
        new_link = new_index.get(link, 0)
        packed = struct.pack("<IIII", new_start, new_end, *loops)
        header = header[:20] + packed + header[36:42] + struct.pack("<H", new_link) + header[44:]
        headers.append(header)
    headers.append(samples[-1])
    parts.append(bytes(written & 1))  # even: no chunk needs a pad byte
    return parts, headers


def _header(kind: bytes, size: int) -> bytes:
    return kind + struct.pack("<I", size)


def _write(info: bytes, smpl: list[bytes | memoryview], pdta: dict[str, list[bytes]]) -> bytes:
    """The RIFF file, joined once (the sample data is the bulk of it)."""
    smpl_size = sum(len(part) for part in smpl)
    sdta = [_header(b"LIST", 4 + 8 + smpl_size), b"sdta", _header(b"smpl", smpl_size), *smpl]
    tables = b"".join(
        _header(name.encode(), sum(map(len, rows))) + b"".join(rows) for name, rows in pdta.items()
    )
    info_chunk = _header(b"LIST", 4 + len(info)) + b"INFO" + info
    pdta_chunk = _header(b"LIST", 4 + len(tables)) + b"pdta" + tables
    size = 4 + len(info_chunk) + sum(len(piece) for piece in sdta) + len(pdta_chunk)
    return b"".join([_header(b"RIFF", size), b"sfbk", info_chunk, *sdta, pdta_chunk])
