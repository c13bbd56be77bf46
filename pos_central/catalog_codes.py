"""Every code names one product: head office never saves, and so never sends, a catalogue
in which a sku, a barcode or a scale PLU would name two products.

A till keys its products on all three (a scan, a scale label, a search must ring up one
product), so a ``catalog.changed`` or snapshot that repeats one cannot be applied without
guessing which product is meant; the till refuses it whole. Head office refuses it first,
all or nothing, before anything is written: within what is being saved, and against the
products already stored that are not part of it. Every conflict is listed, so one pass
over the file fixes them all.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import psycopg

from pos_common.i18n import language
from pos_common.messages import Language, TranslatableError
from pos_contracts import CatalogProduct

Kind = Literal["sku", "barcode", "plu"]
SHOWN = 20
"""Conflicts listed in full; more are counted (a whole file may repeat every code)."""


class CatalogImportFailed(ValueError):
    """The file cannot be imported; nothing changed. The message lists what to fix."""


@dataclass(frozen=True, slots=True)
class Repeat:
    kind: Kind
    code: str
    skus: tuple[str, ...]
    """The products being saved that name it."""
    owner: str | None = None
    """A stored product, not being saved, that already has it."""


class RepeatedCodes(TranslatableError, CatalogImportFailed):
    """Codes that would name two products; nothing was saved. Its text is in the reader's
    language (``text(language)``), in the run's by ``str``."""

    def __init__(self, repeats: Sequence[Repeat]) -> None:
        super().__init__()
        self.repeats = list(repeats)

    def text(self, language: Language) -> str:
        count = len(self.repeats)
        lines = [language.ngettext(
            "Nothing was saved: {count} code would name two products.",
            "Nothing was saved: {count} codes would name two products.", count,
        ).format(count=count)]
        lines += [f"  {_describe(repeat, language)}" for repeat in self.repeats[:SHOWN]]
        if count > SHOWN:
            lines.append("  " + language.gettext("… and {count} more").format(
                count=count - SHOWN))
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.text(language())


def _describe(repeat: Repeat, language: Language) -> str:
    label = {"sku": "SKU", "barcode": language.gettext("barcode"), "plu": "PLU"}[repeat.kind]
    if repeat.owner is not None:
        return language.gettext("{label} {code} already belongs to product {owner}").format(
            label=label, code=repeat.code, owner=repeat.owner)
    if repeat.kind == "sku":
        return language.gettext("SKU {code} is listed {times} times").format(
            code=repeat.code, times=len(repeat.skus))
    return language.gettext("{label} {code} is on products {skus}").format(
        label=label, code=repeat.code, skus=", ".join(repeat.skus))


def repeats_within(products: Sequence[CatalogProduct]) -> list[Repeat]:
    """Codes that two of ``products`` name (or a sku listed twice)."""
    named: dict[tuple[Kind, str], list[str]] = {}
    for p in products:
        named.setdefault(("sku", p.sku), []).append(p.sku)
        for code in dict.fromkeys(p.barcodes):
            named.setdefault(("barcode", code), []).append(p.sku)
        if p.plu is not None:
            named.setdefault(("plu", str(p.plu)), []).append(p.sku)
    return [Repeat(kind, code, tuple(sorted(skus))) for (kind, code), skus in named.items()
            if len(skus) > 1]


def repeats_stored(cursor: psycopg.Cursor[Any], products: Sequence[CatalogProduct]) -> list[Repeat]:
    """Barcodes and PLUs of ``products`` that a stored product not among them already
    has (active or not: the snapshot lists every product, and a till keys on all)."""
    skus = [p.sku for p in products]
    codes = [code for p in products for code in p.barcodes]
    plus = [p.plu for p in products if p.plu is not None]
    taken: list[Repeat] = []
    if codes:
        rows = cursor.execute(
            "SELECT code, sku FROM products, unnest(barcodes) AS code "
            "WHERE code = ANY(%s) AND NOT (sku = ANY(%s)) ORDER BY code, sku",
            (codes, skus),
        ).fetchall()
        taken += [Repeat("barcode", code, _naming(products, "barcode", code), sku)
                  for code, sku in rows]
    if plus:
        rows = cursor.execute(
            "SELECT plu, sku FROM products WHERE plu = ANY(%s) AND NOT (sku = ANY(%s)) "
            "ORDER BY plu, sku",
            (plus, skus),
        ).fetchall()
        taken += [Repeat("plu", str(plu), _naming(products, "plu", str(plu)), sku)
                  for plu, sku in rows]
    return taken


def _naming(products: Sequence[CatalogProduct], kind: Kind, code: str) -> tuple[str, ...]:
    if kind == "plu":
        return tuple(p.sku for p in products if str(p.plu) == code)
    return tuple(p.sku for p in products if code in p.barcodes)


def refuse_repeated_codes(cursor: psycopg.Cursor[Any], products: Sequence[CatalogProduct]) -> None:
    """Raise ``RepeatedCodes`` listing every conflict; nothing has been written yet."""
    repeats = repeats_within(products) + repeats_stored(cursor, products)
    if repeats:
        raise RepeatedCodes(repeats)
