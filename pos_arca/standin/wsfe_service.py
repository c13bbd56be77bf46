"""The stand-in's WSFEv1: ARCA's CAE operations and rules over the stand-in's state.

Each handler takes the operation's request element and returns its ``…Result`` element,
shaped as ARCA's answers in ``shared/afip/examples``. The server holds the lock around calls.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from lxml import etree

from pos_arca import codes
from pos_arca.clock import ARGENTINA, Clock
from pos_arca.errors import ArcaMessage
from pos_arca.standin import rules
from pos_arca.standin.soap import FEV1, add, child, children, local, result_element, text
from pos_arca.standin.state import StandinState, StoredComprobante

#: Elements of a CAEA detail that FECompConsultar's answer (a FECAEDetRequest) does not have.
_CAEA_ONLY = {"CAEA", "CbteFchHsGen"}


@dataclass
class PointOfSaleSetting:
    number: int
    kind: str  # "CAE" or "CAEA"
    blocked: bool = False

    @property
    def emission_type(self) -> str:
        return f"{self.kind} - Ri Iva"


@dataclass
class _Answer:
    det: etree._Element
    outcome: str  # A or R
    observations: list[ArcaMessage]
    stored: StoredComprobante | None
    reprocessed: bool = False


class AuthFailed(Exception):
    def __init__(self, message: ArcaMessage) -> None:
        self.message = message


def msg(code: int, **values: object) -> ArcaMessage:
    return ArcaMessage(code, codes.message(code, **values))


def add_messages(parent: etree._Element, wrapper: str, item: str,
                 messages: list[ArcaMessage]) -> None:
    if messages:
        container = add(parent, wrapper)
        for message in messages:
            entry = add(container, item)
            add(entry, "Code", message.code)
            add(entry, "Msg", message.text)


def copy_in_fev1(source: etree._Element, parent: etree._Element) -> None:
    """Copy a request's element into the answer, in ARCA's namespace whatever the client used."""
    element = etree.SubElement(parent, f"{{{FEV1}}}{local(source)}")
    element.text = source.text if len(source) == 0 else None
    for item in source:
        if isinstance(item.tag, str):
            copy_in_fev1(item, element)


class WsfeCore:
    def __init__(self, *, state: StandinState, clock: Clock, points_of_sale:
                 dict[int, PointOfSaleSetting], settings: rules.RuleSettings,
                 cae_validity_days: int, caea_inform_days: int) -> None:
        self.state = state
        self.clock = clock
        self.points_of_sale = points_of_sale
        self.settings = settings
        self.cae_validity_days = cae_validity_days
        self.caea_inform_days = caea_inform_days

    # Shared ---------------------------------------------------------------------------------
    def now(self) -> datetime:
        return self.clock.now().astimezone(ARGENTINA)

    def today(self) -> date:
        return self.now().date()

    def stamp(self) -> str:
        return self.now().strftime("%Y%m%d%H%M%S")

    def authenticate(self, request: etree._Element) -> int:
        auth = child(request, "Auth")
        token, sign = text(auth, "Token") or "", text(auth, "Sign") or ""
        ticket = self.state.tickets.get(token)
        if (ticket is None or ticket.sign != sign or ticket.service != "wsfe"
                or datetime.fromisoformat(ticket.expires_at) <= self.clock.now()):
            raise AuthFailed(msg(600))
        cuit = rules.integer(auth, "Cuit")
        if cuit != ticket.cuit:
            raise AuthFailed(msg(601))
        return cuit

    def point_of_sale(self, number: int, kind: str | None) -> PointOfSaleSetting | None:
        found = self.points_of_sale.get(number)
        if found is None or found.blocked or (kind is not None and found.kind != kind):
            return None
        return found

    # Operations ------------------------------------------------------------------------------
    def FEDummy(self, request: etree._Element) -> etree._Element:
        result = result_element("FEDummy")
        for name in ("AppServer", "DbServer", "AuthServer"):
            add(result, name, "OK")
        return result

    def FECompUltimoAutorizado(self, request: etree._Element, cuit: int) -> etree._Element:
        pto, tipo = rules.integer(request, "PtoVta"), rules.integer(request, "CbteTipo")
        result = result_element("FECompUltimoAutorizado")
        known = self.point_of_sale(pto, None) is not None
        add(result, "PtoVta", pto)
        add(result, "CbteTipo", tipo)
        add(result, "CbteNro", self.state.last_number(cuit, pto, tipo)[0] if known else 0)
        if not known:
            add_messages(result, "Errors", "Err", [msg(11002)])
        return result

    def FEParamGetPtosVenta(self, request: etree._Element, cuit: int) -> etree._Element:
        result = result_element("FEParamGetPtosVenta")
        if not self.points_of_sale:
            add_messages(result, "Errors", "Err", [msg(602)])
            return result
        listing = add(result, "ResultGet")
        for pos in sorted(self.points_of_sale.values(), key=lambda p: p.number):
            entry = add(listing, "PtoVenta")
            add(entry, "Nro", pos.number)
            add(entry, "EmisionTipo", pos.emission_type)
            add(entry, "Bloqueado", "S" if pos.blocked else "N")
            add(entry, "FchBaja", "NULL")
        return result

    def FECompConsultar(self, request: etree._Element, cuit: int) -> etree._Element:
        query = child(request, "FeCompConsReq")
        pto, tipo = rules.integer(query, "PtoVta"), rules.integer(query, "CbteTipo")
        stored = self.state.comprobante(cuit, pto, tipo, rules.integer(query, "CbteNro"))
        result = result_element("FECompConsultar")
        if stored is None:
            add_messages(result, "Errors", "Err", [msg(602)])
            return result
        found = add(result, "ResultGet")
        for element in etree.fromstring(stored.fields["request"]):
            if isinstance(element.tag, str) and local(element) not in _CAEA_ONLY:
                copy_in_fev1(element, found)
        for name, value in (("Resultado", "A"), ("CodAutorizacion", stored.code),
                            ("EmisionTipo", stored.emission_kind), ("FchVto", stored.due_date),
                            ("FchProceso", stored.processed_at)):
            add(found, name, value)
        add_messages(found, "Observaciones", "Obs",
                     [ArcaMessage(int(c), str(m)) for c, m in stored.observations])
        add(found, "PtoVta", pto)
        add(found, "CbteTipo", tipo)
        return result

    def FECAESolicitar(self, request: etree._Element, cuit: int) -> etree._Element:
        return self.authorize_batch(request, cuit, caea=False)

    # Authorizing (CAE) and informing (CAEA) share the checks ---------------------------------
    def authorize_batch(self, request: etree._Element, cuit: int, *, caea: bool
                        ) -> etree._Element:
        operation = "FECAEARegInformativo" if caea else "FECAESolicitar"
        batch = child(request, "FeCAEARegInfReq" if caea else "FeCAEReq")
        header = child(batch, "FeCabReq")
        pto, tipo = rules.integer(header, "PtoVta"), rules.integer(header, "CbteTipo")
        details = children(child(batch, "FeDetReq"), "FECAEADetRequest" if caea
                           else "FECAEDetRequest")
        errors: list[ArcaMessage] = []
        if self.point_of_sale(pto, "CAEA" if caea else "CAE") is None:
            errors.append(msg(11002))
        if tipo not in rules.KNOWN_TYPES:
            errors.append(msg(10007))
        answers = []
        for det in details:
            det_errors, reprocessed = list(errors), None
            observations: list[ArcaMessage] = []
            if not errors:
                reprocessed = self._reprocessed(cuit, pto, tipo, det)
                if reprocessed is None:
                    det_errors, observations = self._check(det, cuit, pto, tipo, caea)
            if reprocessed is not None:
                answers.append(_Answer(det, "A", [], reprocessed, reprocessed=True))
            elif det_errors or observations:
                errors += [e for e in det_errors if e not in errors]
                answers.append(_Answer(det, "R", observations, None))
            else:
                answers.append(_Answer(det, "A", [], self._store(det, cuit, pto, tipo, caea)))
        return self._batch_result(operation, cuit, pto, tipo, answers, errors, caea)

    def _check(self, det: etree._Element, cuit: int, pto: int, tipo: int, caea: bool
               ) -> tuple[list[ArcaMessage], list[ArcaMessage]]:
        errors: list[ArcaMessage] = []
        last_number, last_day = self.state.last_number(cuit, pto, tipo)
        desde, hasta = rules.integer(det, "CbteDesde"), rules.integer(det, "CbteHasta")
        day = rules.parse_day(text(det, "CbteFch"))
        before_last = day is not None and day < (rules.parse_day(last_day) or date.min)
        if desde != last_number + 1 or hasta != desde or before_last:
            errors.append(msg(10016))
        observations = (rules.check_receptor(det, tipo, self.settings)
                        + rules.check_amounts(det, tipo) + rules.check_associated(det, tipo))
        if caea:
            more_errors, more_observations = self.check_caea_detail(det, cuit, pto, day)
            errors += more_errors
            observations += more_observations
        else:
            observations += rules.check_date_window(det, self.today(), self.settings)
        return errors, observations

    def check_caea_detail(self, det: etree._Element, cuit: int, pto: int, day: date | None
                          ) -> tuple[list[ArcaMessage], list[ArcaMessage]]:
        raise NotImplementedError  # CaeaOperations provides it

    def _reprocessed(self, cuit: int, pto: int, tipo: int, det: etree._Element
                     ) -> StoredComprobante | None:
        """ARCA answers an exact resend of an authorized comprobante with the same code."""
        stored = self.state.comprobante(cuit, pto, tipo, rules.integer(det, "CbteDesde"))
        if stored is None or stored.fields["request"] != _canonical(det):
            return None
        return stored

    def _store(self, det: etree._Element, cuit: int, pto: int, tipo: int, caea: bool
               ) -> StoredComprobante:
        day = rules.parse_day(text(det, "CbteFch")) or self.today()
        if caea:
            granted = self.state.caea_by_code(cuit, text(det, "CAEA") or "")
            code, due = (granted.code, granted.valid_to) if granted else ("", "")
        else:
            code = f"7{secrets.randbelow(10**13):013d}"  # 14 digits, as ARCA's CAEs
            due = rules.due_date(day, self.cae_validity_days).strftime("%Y%m%d")
        stored = StoredComprobante(
            cuit=cuit, point_of_sale=pto, cbte_tipo=tipo, number=rules.integer(det, "CbteDesde"),
            date=day.strftime("%Y%m%d"), fields={"request": _canonical(det)},
            emission_kind="CAEA" if caea else "CAE", code=code, due_date=due,
            processed_at=self.stamp())
        self.state.record(stored)
        return stored

    def _batch_result(self, operation: str, cuit: int, pto: int, tipo: int,
                      answers: list[_Answer], errors: list[ArcaMessage], caea: bool
                      ) -> etree._Element:
        result = result_element(operation)
        outcomes = {answer.outcome for answer in answers}
        header = add(result, "FeCabResp")
        for name, value in (("Cuit", cuit), ("PtoVta", pto), ("CbteTipo", tipo),
                            ("FchProceso", self.stamp()), ("CantReg", len(answers)),
                            ("Resultado", outcomes.pop() if len(outcomes) == 1 else
                             ("P" if outcomes else "R")),
                            ("Reproceso", "S" if any(a.reprocessed for a in answers) else "N")):
            add(header, name, value)
        details = add(result, "FeDetResp")
        for det, outcome, observations, stored, _ in (
                (a.det, a.outcome, a.observations, a.stored, a.reprocessed) for a in answers):
            entry = add(details, "FECAEADetResponse" if caea else "FECAEDetResponse")
            for name in ("Concepto", "DocTipo", "DocNro", "CbteDesde", "CbteHasta", "CbteFch"):
                add(entry, name, text(det, name) or "0")
            add(entry, "Resultado", outcome)
            add_messages(entry, "Observaciones", "Obs", observations)
            if caea:
                add(entry, "CAEA", text(det, "CAEA"))
            else:
                add(entry, "CAE", stored.code if stored else None)
                add(entry, "CAEFchVto", stored.due_date if stored else None)
        add_messages(result, "Errors", "Err", errors)
        return result


def _canonical(det: etree._Element) -> str:
    """The detail in ARCA's namespace, so a resend compares equal whatever prefixes it used."""
    holder = etree.Element(f"{{{FEV1}}}Det", nsmap={None: FEV1})
    for item in det:
        if isinstance(item.tag, str):
            copy_in_fev1(item, holder)
    return str(etree.tostring(holder, encoding="unicode"))


Handler = Callable[[etree._Element, int], etree._Element]
