"""The printable document: a short list of typed blocks, independent of any printer.

Layout (``printers.layout``) produces it; renderers (ESC/POS bytes, PDF, preview) consume
it. Every ``Text``/``Row`` already fits the document's columns (half of them when double
size), so renderers never wrap: the 58 mm clone, the PDF and the preview break lines at the
same places.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Align(StrEnum):
    LEFT = "left"
    CENTER = "center"
    RIGHT = "right"


@dataclass(frozen=True, slots=True)
class Text:
    text: str
    align: Align = Align.LEFT
    bold: bool = False
    double: bool = False


@dataclass(frozen=True, slots=True)
class Row:
    """A label on the left and an amount kept flush right."""

    left: str
    right: str
    bold: bool = False
    double: bool = False


@dataclass(frozen=True, slots=True)
class Separator:
    char: str = "-"


@dataclass(frozen=True, slots=True)
class Feed:
    lines: int = 1


@dataclass(frozen=True, slots=True)
class Barcode:
    """A CODE128 barcode (what a 1D scanner at the till reads back for a refund)."""

    data: str


@dataclass(frozen=True, slots=True)
class QrCode:
    data: str


@dataclass(frozen=True, slots=True)
class Logo:
    path: str


@dataclass(frozen=True, slots=True)
class Cut:
    pass


@dataclass(frozen=True, slots=True)
class DrawerKick:
    pass


Block = Text | Row | Separator | Feed | Barcode | QrCode | Logo | Cut | DrawerKick


def line_width(columns: int, double: bool) -> int:
    return columns // 2 if double else columns


def row_text(row: Row, columns: int) -> str:
    width = line_width(columns, row.double)
    gap = max(1, width - len(row.left) - len(row.right))
    return row.left + " " * gap + row.right


def aligned(text: str, align: Align, width: int) -> str:
    if align is Align.CENTER:
        return text.center(width).rstrip()
    if align is Align.RIGHT:
        return text.rjust(width)
    return text


@dataclass(frozen=True, slots=True)
class Document:
    columns: int
    blocks: tuple[Block, ...]
    title: str = ""

    def text_lines(self) -> list[str]:
        """The text as a printer lays it out (feeds, codes, logo, cut and drawer omitted).

        Double-size lines are given at their character count: on paper they take twice
        the width.
        """
        out: list[str] = []
        for block in self.blocks:
            if isinstance(block, Text):
                out.append(aligned(block.text, block.align, line_width(self.columns,
                                                                       block.double)))
            elif isinstance(block, Row):
                out.append(row_text(block, self.columns))
            elif isinstance(block, Separator):
                out.append(block.char * self.columns)
        return out
