"""A realistic 100,000-SKU catalogue, written straight into a migrated till database.

Shared by the benchmarks. Names are built from Spanish words (with accents) so name search
has realistic selectivity; barcodes are valid EAN-13 with the Argentine 779 prefix.
"""

from __future__ import annotations

import random
import sqlite3
from pathlib import Path

from pos_desktop.domain.barcode import gtin_check_digit
from pos_desktop.domain.product import fold
from pos_desktop.store.db import database_path, open_engine
from pos_desktop.store.migrate import migrate

BRANDS = [
    "La Serenísima",
    "Arcor",
    "Molinos",
    "Ledesma",
    "Café Martínez",
    "Playadito",
    "Taragüí",
    "Quilmes",
    "Cañuelas",
    "Marolio",
    "Bagley",
    "Terrabusi",
    "Sancor",
    "Ilolay",
    "Knorr",
    "Lucchetti",
    "Matarazzo",
    "Natura",
    "Cocinero",
    "Paladini",
    "Danica",
    "Morixe",
]
KINDS = [
    "Yerba Mate",
    "Café Molido",
    "Galletitas",
    "Fideos Tirabuzón",
    "Arroz Largo Fino",
    "Aceite de Girasol",
    "Dulce de Leche",
    "Mermelada de Durazno",
    "Azúcar",
    "Harina 000",
    "Leche Entera",
    "Queso Rallado",
    "Jamón Cocido",
    "Salame Milán",
    "Gaseosa Cola",
    "Agua Mineral",
    "Cerveza Rubia",
    "Vino Malbec",
    "Jabón en Polvo",
    "Lavandina",
    "Shampoo",
    "Papel Higiénico",
    "Alfajor Triple",
    "Turrón de Maní",
    "Té Negro",
    "Mayonesa",
    "Puré de Tomate",
    "Atún al Natural",
    "Arvejas",
    "Choclo Amarillo",
]
SIZES = ["100 g", "250 g", "500 g", "1 kg", "1 l", "1,5 l", "2,25 l", "750 ml", "x 6", "x 12"]
RATES = ["21"] * 7 + ["10.5"] * 2 + ["exempt"]


def ean13(n: int) -> str:
    body = f"779{n:09d}"
    return body + str(gtin_check_digit(body))


def generate(data_dir: Path, count: int = 100_000, *, seed: int = 7) -> list[str]:
    """Create the database in ``data_dir`` with ``count`` products; returns their barcodes."""
    path = database_path(data_dir)
    engine = open_engine(path)
    migrate(engine, path)
    engine.dispose()
    rng = random.Random(seed)
    rows, codes = [], []
    for i in range(count):
        name = f"{rng.choice(KINDS)} {rng.choice(BRANDS)} {rng.choice(SIZES)} #{i}"
        weighed = i % 500 == 0
        rows.append(
            (
                f"B{i:06d}",
                name,
                fold(name),
                rng.randint(200, 2_500_000),
                rng.choice(RATES),
                int(weighed),
                90000 + i // 500 if weighed else None,
                "Almacén",
                1,
                0,
                "2026-11-28T00:00:00+00:00",
            )
        )
        codes.append(ean13(i))
    con = sqlite3.connect(path)
    with con:
        con.executemany("INSERT INTO products VALUES (?,?,?,?,?,?,?,?,?,?,?)", rows)
        con.executemany(
            "INSERT INTO barcodes VALUES (?,?)",
            [(c, r[0]) for c, r in zip(codes, rows, strict=True)],
        )
        con.execute("INSERT OR REPLACE INTO settings VALUES ('demo.seeded', 'true')")
    con.close()
    return codes
