"""drawing_rc: the theme's rcParams for one drawing thread at a time, restored afterwards."""

from __future__ import annotations

import sys
import threading

import matplotlib as mpl

from atc_timeline.mpl.rc import drawing_rc

THREADS = 8


def test_each_thread_sees_its_own_settings_and_the_defaults_come_back():
    before = dict(mpl.rcParams)
    wrong: list[tuple[float, float]] = []
    start = threading.Barrier(THREADS)

    def draw(width: float) -> None:
        start.wait()
        for _ in range(200):
            with drawing_rc({"hatch.linewidth": width}):
                for _ in range(20):
                    if mpl.rcParams["hatch.linewidth"] != width:
                        wrong.append((width, mpl.rcParams["hatch.linewidth"]))

    previous = sys.getswitchinterval()
    sys.setswitchinterval(1e-5)  # switch threads often, so that an unguarded rc_context fails
    try:
        threads = [threading.Thread(target=draw, args=(0.1 * (n + 1),)) for n in range(THREADS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        sys.setswitchinterval(previous)
    assert wrong == []
    assert dict(mpl.rcParams) == before


def test_a_figure_saved_inside_a_callers_drawing_rc_does_not_deadlock():
    with drawing_rc({"hatch.linewidth": 0.5}), drawing_rc({"svg.fonttype": "none"}):
        assert mpl.rcParams["hatch.linewidth"] == 0.5
        assert mpl.rcParams["svg.fonttype"] == "none"
    assert mpl.rcParams["hatch.linewidth"] == mpl.rcParamsDefault["hatch.linewidth"]
