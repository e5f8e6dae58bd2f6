"""The floor: matplotlib alone draws a chart like the founding case's (Figure + Agg, PNG).

Same size, lanes, bars, markers and about as much text as atc-timeline's chart, with none of
its work (no validation, normalizing, label placement or fades). Usage: python floor.py OUT.png
"""

import sys

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

fig = Figure(figsize=(13.333, 7.5), dpi=150)
FigureCanvasAgg(fig)
ax = fig.add_axes((0.15, 0.2, 0.8, 0.65))
lanes = ["Surgery", "Chemoradiotherapy", "Cabozantinib", "Nivolumab", "Imaging", "Adverse events"]
for i, lane in enumerate(lanes):
    ax.axhspan(i - 0.5, i + 0.5, color="#F5F5F5" if i % 2 else "white", lw=0)
    fig.text(0.14, 0.2 + 0.65 * (len(lanes) - 1 - i + 0.5) / len(lanes), lane, ha="right", weight="bold")
bars = [
    (1, 2, 6, "#56B4E9"),
    (1, 1, 3, "#CC79A7"),
    (1, 6, 3, "#CC79A7"),
    (2, 8, 24, "#E69F00"),
    (3, 10, 30, "#009E73"),
    (5, 13, 27, "#F4B183"),
    (5, 13, 26, "#F4B183"),
    (5, 31, 8, "#F4B183"),
]
for lane, start, length, colour in bars:
    ax.barh(len(lanes) - 1 - lane, length, left=start, height=0.4, color=colour)
    ax.text(start + length / 2, len(lanes) - 1 - lane, "label text on a bar", ha="center", va="center")
for x in (0, 1, 2, 3, 6, 13, 16, 21, 27):
    ax.plot([x], [1], marker="v", markersize=9, color="#0072B2")
    ax.text(x, 1.25, "MRI: finding", ha="center", fontsize=9)
ax.plot([0], [5], marker="D", markersize=10, color="#333333")
ax.axvline(39, ls="--", color="#B00020")
ax.set_xlim(-3, 41)
ax.set_ylim(-0.5, len(lanes) - 0.5)
ax.set_yticks([])
fig.text(0.02, 0.95, "ATC with RET mutation: chemoradiotherapy, then cabozantinib + nivolumab", size=20)
fig.text(0.02, 0.91, "65-year-old man · Anaplastic thyroid carcinoma · RET mutation", size=12)
fig.savefig(sys.argv[1] if len(sys.argv) > 1 else "floor.png", format="png")
