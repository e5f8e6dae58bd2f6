"""The PNG writer: lossless, standard chunks, alpha only when asked for."""

from __future__ import annotations

import io

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from PIL import Image

from atc_timeline.writers.png import SIGNATURE, encode_png


def _decode(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


@settings(max_examples=40, deadline=None)
@given(
    pixels=st.tuples(st.integers(1, 40), st.integers(1, 40)).flatmap(
        lambda hw: arrays(np.uint8, (*hw, 4))
    ),
    keep_alpha=st.booleans(),
)
def test_round_trips_exactly(pixels, keep_alpha):
    image = _decode(encode_png(pixels, 150, keep_alpha))
    assert image.mode == ("RGBA" if keep_alpha else "RGB")
    assert np.array_equal(np.asarray(image), pixels[..., : 4 if keep_alpha else 3])


def test_carries_resolution_and_text_and_ends_cleanly():
    data = encode_png(np.zeros((3, 5, 4), np.uint8), 300, text={"Software": "atc-timeline"})
    assert data.startswith(SIGNATURE)
    assert data.endswith(b"IEND\xaeB`\x82")
    image = _decode(data)
    assert image.size == (5, 3)
    assert image.info["Software"] == "atc-timeline"
    assert round(image.info["dpi"][0]) == 300
