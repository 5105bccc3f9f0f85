"""Draws the two schematic case images in this folder (run from the repository root
the PNGs are committed)."""
import matplotlib
import numpy as np

matplotlib.use("Agg")
import matplotlib.pyplot as plt
from matplotlib.patches import Ellipse, Polygon

rng = np.random.default_rng(7)

# 1. Schematic rhythm strip: irregularly irregular narrow QRS complexes, no P waves, fibrillatory baseline
fig, ax = plt.subplots(figsize=(8, 2.2), dpi=100)
t = np.linspace(0, 6, 3000)
y = 0.05 * np.sin(2 * np.pi * 6.5 * t) + 0.03 * np.sin(2 * np.pi * 9.1 * t + 1) + 0.01 * rng.standard_normal(t.size)
beat = 0.25
while beat < 5.9:
    y += 1.2 * np.exp(-((t - beat) / 0.012) ** 2) - 0.25 * np.exp(-((t - beat - 0.03) / 0.012) ** 2)
    y += 0.18 * np.exp(-((t - beat - 0.22) / 0.05) ** 2)  # T wave
    beat += rng.uniform(0.32, 0.62)  # irregularly irregular R-R, mean rate about 140/min
for x in np.arange(0, 6.01, 0.2):
    ax.axvline(x, color="#f4b6b6", lw=0.6, zorder=0)
for v in np.arange(-0.6, 1.61, 0.5):
    ax.axhline(v, color="#f4b6b6", lw=0.6, zorder=0)
ax.plot(t, y, color="black", lw=1.0)
ax.set_xlim(0, 6)
ax.set_ylim(-0.6, 1.6)
ax.set_xticks([])
ax.set_yticks([])
ax.set_title("Schematic lead II rhythm strip (drawn for this case, not a patient recording)", fontsize=8)
fig.tight_layout()
fig.savefig("scenarios/images/af-rhythm-strip-schematic.png")
plt.close(fig)

# 2. Schematic of the lower leg: an irregular area of redness with the pen-marked earlier border inside it
fig, ax = plt.subplots(figsize=(3.2, 5), dpi=100)
leg = Polygon([(0.35, 0.98), (0.65, 0.98), (0.62, 0.25), (0.72, 0.08), (0.3, 0.05), (0.38, 0.25)],
              closed=True, facecolor="#f1d3b8", edgecolor="#7a5a45", lw=1.2)
ax.add_patch(leg)
angles = np.linspace(0, 2 * np.pi, 40, endpoint=False)
r = 1 + 0.12 * rng.standard_normal(40)
xs = 0.5 + 0.11 * r * np.cos(angles)
ys = 0.55 + 0.2 * r * np.sin(angles)
ax.add_patch(Polygon(np.c_[xs, ys], closed=True, facecolor="#d9534f", alpha=0.55, edgecolor="none"))
ax.add_patch(Ellipse((0.5, 0.56), 0.17, 0.3, fill=False, ls="--", lw=1.2, edgecolor="#1f3d7a"))
ax.plot([0.48, 0.53], [0.52, 0.6], color="#7a2020", lw=1.5)
ax.text(0.5, 0.2, "dashed line: yesterday's pen mark", ha="center", fontsize=7)
ax.set_title("Schematic of the left shin\n(a drawing, not a photograph)", fontsize=8)
ax.set_xlim(0.1, 0.9)
ax.set_ylim(0, 1)
ax.axis("off")
fig.tight_layout()
fig.savefig("scenarios/images/shin-erythema-schematic.png")
plt.close(fig)
