"""What the stand-in remembers: tickets, comprobantes, CAEAs. In memory, optionally a JSON file.

Keys are strings so the whole state is plain JSON (a demo survives a restart).
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any


@dataclass
class IssuedTicket:
    token: str
    sign: str
    cuit: int
    service: str
    expires_at: str  # ISO 8601


@dataclass
class StoredComprobante:
    cuit: int
    point_of_sale: int
    cbte_tipo: int
    number: int
    date: str  # yyyymmdd
    fields: dict[str, Any]  # the request's values as ARCA gives them back in FECompConsultar
    emission_kind: str  # CAE or CAEA
    code: str
    due_date: str  # yyyymmdd
    processed_at: str  # yyyymmddhhmmss
    observations: list[list[Any]] = field(default_factory=list)


@dataclass
class GrantedCaea:
    cuit: int
    period: int
    order: int
    code: str
    valid_from: str
    valid_to: str
    inform_deadline: str
    processed_on: str


@dataclass
class StandinState:
    tickets: dict[str, IssuedTicket] = field(default_factory=dict)
    #: "certificate fingerprint|service" -> expiry of the ticket WSAA holds for it
    logins: dict[str, str] = field(default_factory=dict)
    comprobantes: dict[str, StoredComprobante] = field(default_factory=dict)
    #: "cuit|pto|tipo" -> last authorized (CAE) or informed (CAEA) number and its date
    last: dict[str, list[Any]] = field(default_factory=dict)
    caeas: dict[str, GrantedCaea] = field(default_factory=dict)
    #: "cuit|caea|pto" -> FchProceso of its sin-movimiento
    idle: dict[str, str] = field(default_factory=dict)

    # Keys -------------------------------------------------------------------------------------
    @staticmethod
    def series(cuit: int, point_of_sale: int, cbte_tipo: int) -> str:
        return f"{cuit}|{point_of_sale}|{cbte_tipo}"

    @staticmethod
    def comprobante_key(cuit: int, point_of_sale: int, cbte_tipo: int, number: int) -> str:
        return f"{cuit}|{point_of_sale}|{cbte_tipo}|{number}"

    @staticmethod
    def caea_key(cuit: int, period: int, order: int) -> str:
        return f"{cuit}|{period}|{order}"

    # Queries ----------------------------------------------------------------------------------
    def last_number(self, cuit: int, point_of_sale: int, cbte_tipo: int) -> tuple[int, str | None]:
        number, day = self.last.get(self.series(cuit, point_of_sale, cbte_tipo), [0, None])
        return int(number), day

    def comprobante(self, cuit: int, point_of_sale: int, cbte_tipo: int, number: int
                    ) -> StoredComprobante | None:
        return self.comprobantes.get(self.comprobante_key(cuit, point_of_sale, cbte_tipo, number))

    def caea_by_code(self, cuit: int, code: str) -> GrantedCaea | None:
        return next((c for c in self.caeas.values() if c.cuit == cuit and c.code == code), None)

    def informed_with(self, cuit: int, caea: str, point_of_sale: int) -> bool:
        return any(c.cuit == cuit and c.point_of_sale == point_of_sale and c.code == caea
                   and c.emission_kind == "CAEA" for c in self.comprobantes.values())

    # Changes ----------------------------------------------------------------------------------
    def record(self, stored: StoredComprobante) -> None:
        key = self.comprobante_key(stored.cuit, stored.point_of_sale, stored.cbte_tipo,
                                   stored.number)
        self.comprobantes[key] = stored
        self.last[self.series(stored.cuit, stored.point_of_sale, stored.cbte_tipo)] = [
            stored.number, stored.date]

    # Persistence ------------------------------------------------------------------------------
    def to_json(self) -> str:
        return json.dumps(asdict(self), sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> StandinState:
        data = json.loads(text)
        return cls(
            tickets={k: IssuedTicket(**v) for k, v in data.get("tickets", {}).items()},
            logins=dict(data.get("logins", {})),
            comprobantes={k: StoredComprobante(**v)
                          for k, v in data.get("comprobantes", {}).items()},
            last={k: list(v) for k, v in data.get("last", {}).items()},
            caeas={k: GrantedCaea(**v) for k, v in data.get("caeas", {}).items()},
            idle=dict(data.get("idle", {})))

    @classmethod
    def load(cls, path: Path) -> StandinState:
        if not path.exists():
            return cls()
        return cls.from_json(path.read_text(encoding="utf-8"))

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".standin-", dir=path.parent)
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(self.to_json())
        os.replace(tmp, path)
