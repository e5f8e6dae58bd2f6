"""A small PNG writer tuned for charts: unfiltered rows, fast zlib, RGB unless transparent.

Why not matplotlib's or Pillow's writer: both always try every row filter and write RGBA at
zlib level 6. A chart is large flat areas; unfiltered rows at level 3 encode about twice as
fast for files about the same size, and an opaque chart needs no alpha channel.
"""

from __future__ import annotations

import struct
import zlib

import numpy as np

SIGNATURE = b"\x89PNG\r\n\x1a\n"
LEVEL = 3
_COLOUR_TYPE = {3: 2, 4: 6}  # channels -> PNG colour type (truecolour, truecolour + alpha)


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def encode_png(
    rgba: np.ndarray, dpi: float, keep_alpha: bool = False, text: dict[str, str] | None = None
) -> bytes:
    """PNG bytes for an (h, w, 4) uint8 RGBA array; alpha dropped unless keep_alpha."""
    height, width, _ = rgba.shape
    channels = 4 if keep_alpha else 3
    rows = np.empty((height, 1 + width * channels), np.uint8)
    rows[:, 0] = 0  # each row's filter type: none
    pixels = rows[:, 1:].reshape(height, width, channels)
    for channel in range(channels):  # one plane at a time: ten times faster than one strided copy
        pixels[:, :, channel] = rgba[:, :, channel]
    header = struct.pack(">IIBBBBB", width, height, 8, _COLOUR_TYPE[channels], 0, 0, 0)
    per_metre = round(dpi / 0.0254)
    density = struct.pack(">IIB", per_metre, per_metre, 1)  # unit 1: metre
    parts = [SIGNATURE, _chunk(b"IHDR", header), _chunk(b"pHYs", density)]
    for key, value in (text or {}).items():
        parts.append(_chunk(b"tEXt", key.encode("latin-1") + b"\0" + value.encode("latin-1")))
    parts += [_chunk(b"IDAT", zlib.compress(rows.data, LEVEL)), _chunk(b"IEND", b"")]
    return b"".join(parts)
