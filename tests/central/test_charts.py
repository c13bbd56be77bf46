"""The back office's bar chart (macros.html), drawn on the server as SVG: its labels are
never stretched, whatever the number of bars."""

from __future__ import annotations

import re

import pytest

from pos_central.api.pages import templates


def chart(labels: list[str]) -> str:
    macro = templates.env.get_template("macros.html").module.bars  # type: ignore[attr-defined]
    items = [{"label": label, "total": 1000 * (i + 1)} for i, label in enumerate(labels)]
    return str(macro(items, "label", "total", 1000 * len(labels), str))


@pytest.mark.parametrize("labels", [["S001"], [f"S{n:03}" for n in range(50)],
                                    [str(hour) for hour in range(24)]])
def test_the_chart_scales_evenly_and_keeps_every_bar_and_label_inside(labels: list[str]) -> None:
    svg = chart(labels)
    assert 'preserveAspectRatio="none"' not in svg  # one store's label filled the card
    width = float(re.search(r'viewBox="0 0 ([\d.]+) ', svg).group(1))  # type: ignore[union-attr]
    bars = [(float(x), float(w)) for x, w in re.findall(r'<rect x="([\d.]+)" y="[\d.]+" '
                                                          r'width="([\d.]+)"', svg)]
    assert len(bars) == len(labels)
    assert all(x >= 0 and x + w <= width for x, w in bars)
    assert re.findall(r">([^<>]+)</text>", svg) == labels


def test_long_labels_turn_and_short_ones_stay_level() -> None:
    assert "rotate(" in chart([f"S{n:03}" for n in range(50)])
    assert "rotate(" not in chart([str(hour) for hour in range(24)])
    assert "rotate(" not in chart(["S001", "S002"])
