"""Checks every chart test can share: the course's text sizes survive after the figure is made."""

from __future__ import annotations

#: The house size of legend text, in points (deploydl.present.charts._STYLE).
LEGEND_PT = 13


def legend_sizes(fig) -> list[float]:
    """The font size of every legend entry and legend title in ``fig``, in points."""
    legends = [ax.get_legend() for ax in fig.axes if ax.get_legend() is not None]
    legends += list(fig.legends)
    assert legends, "the chart has no legend"
    texts = [t for legend in legends for t in legend.get_texts()]
    texts += [legend.get_title() for legend in legends if legend.get_title().get_text()]
    return [t.get_fontsize() for t in texts]


def assert_legend_readable(fig) -> None:
    """Every legend entry and title in ``fig`` is at least the house 13 pt."""
    small = [size for size in legend_sizes(fig) if size < LEGEND_PT]
    assert not small, f"legend text at {small} pt, under the house {LEGEND_PT} pt"
