"""The stand-in's CAEA operations: granting per fortnight, informing, sin movimiento."""

from __future__ import annotations

import secrets
from datetime import date, datetime, timedelta

from lxml import etree

from pos_arca.errors import ArcaMessage
from pos_arca.fortnight import Fortnight
from pos_arca.standin import rules
from pos_arca.standin.soap import add, result_element, text
from pos_arca.standin.state import GrantedCaea
from pos_arca.standin.wsfe_service import WsfeCore, add_messages, msg


def _ymd(day: date) -> str:
    return day.strftime("%Y%m%d")


def _us_date(day: date) -> str:
    return f"{day.month}/{day.day}/{day.year}"  # as ARCA writes it in 15006's text


class WsfeService(WsfeCore):
    def _fortnight(self, request: etree._Element) -> tuple[int, int, Fortnight | None,
                                                           list[ArcaMessage]]:
        period, order = rules.integer(request, "Periodo"), rules.integer(request, "Orden")
        if not (190001 <= period <= 999912 and 1 <= period % 100 <= 12):
            return period, order, None, [msg(15004)]
        if order not in (1, 2):
            return period, order, None, [msg(15005)]
        return period, order, Fortnight(period, order), []

    def _caea_result(self, operation: str, period: int, order: int,
                     granted: GrantedCaea | None, errors: list[ArcaMessage]) -> etree._Element:
        result = result_element(operation)
        found = add(result, "ResultGet")
        if granted is not None:
            add(found, "CAEA", granted.code)
        add(found, "Periodo", period)
        add(found, "Orden", order)
        if granted is not None:
            for name, value in (("FchVigDesde", granted.valid_from),
                                ("FchVigHasta", granted.valid_to),
                                ("FchTopeInf", granted.inform_deadline),
                                ("FchProceso", granted.processed_on)):
                add(found, name, value)
        add_messages(result, "Errors", "Err", errors)
        return result

    def FECAEASolicitar(self, request: etree._Element, cuit: int) -> etree._Element:
        period, order, fortnight, errors = self._fortnight(request)
        if fortnight is not None:
            first, last = fortnight.request_window
            if not fortnight.can_request_on(self.today()):
                errors.append(msg(15006, first=_us_date(first), last=_us_date(last)))
            elif not any(p.kind == "CAEA" for p in self.points_of_sale.values()):
                errors.append(msg(15003))
            elif self.state.caea_key(cuit, period, order) in self.state.caeas:
                errors.append(msg(15008))
        if errors:
            return self._caea_result("FECAEASolicitar", period, order, None, errors)
        assert fortnight is not None
        granted = GrantedCaea(
            cuit=cuit, period=period, order=order, code=f"6{secrets.randbelow(10**13):013d}",
            valid_from=_ymd(fortnight.first_day), valid_to=_ymd(fortnight.last_day),
            inform_deadline=_ymd(fortnight.last_day + timedelta(days=self.caea_inform_days)),
            processed_on=_ymd(self.today()))
        self.state.caeas[self.state.caea_key(cuit, period, order)] = granted
        return self._caea_result("FECAEASolicitar", period, order, granted, [])

    def FECAEAConsultar(self, request: etree._Element, cuit: int) -> etree._Element:
        period, order, _, errors = self._fortnight(request)
        granted = self.state.caeas.get(self.state.caea_key(cuit, period, order))
        if not errors and granted is None:
            errors.append(msg(602))
        return self._caea_result("FECAEAConsultar", period, order,
                                 None if errors else granted, errors)

    def FECAEARegInformativo(self, request: etree._Element, cuit: int) -> etree._Element:
        return self.authorize_batch(request, cuit, caea=True)

    def check_caea_detail(self, det: etree._Element, cuit: int, pto: int, day: date | None
                          ) -> tuple[list[ArcaMessage], list[ArcaMessage]]:
        code = text(det, "CAEA")
        if not code:
            return [msg(782)], []
        granted = self.state.caea_by_code(cuit, code)
        if granted is None:
            return [msg(783)], []
        errors: list[ArcaMessage] = []
        observations: list[ArcaMessage] = []
        if self.today() > (rules.parse_day(granted.inform_deadline) or date.max):
            errors.append(msg(786))
        if self.state.idle.get(f"{cuit}|{code}|{pto}") is not None:
            errors.append(msg(787))
        fortnight = Fortnight.of(rules.parse_day(granted.valid_from) or date.min)
        if day is None or not fortnight.contains(day):
            observations.append(msg(784))
        generated = text(det, "CbteFchHsGen") or ""
        try:
            datetime.strptime(generated, "%Y%m%d%H%M%S")
        except ValueError:
            observations.append(msg(785))
        return errors, observations

    def FECAEASinMovimientoInformar(self, request: etree._Element, cuit: int) -> etree._Element:
        pto, code = rules.integer(request, "PtoVta"), text(request, "CAEA") or ""
        errors: list[ArcaMessage] = []
        key = f"{cuit}|{code}|{pto}"
        if self.state.caea_by_code(cuit, code) is None:
            errors.append(msg(1200))
        elif self.point_of_sale(pto, "CAEA") is None:
            errors.append(msg(11002))
        elif self.state.informed_with(cuit, code, pto):
            errors.append(msg(1201))
        elif key in self.state.idle:
            errors.append(msg(1202))
        else:
            self.state.idle[key] = _ymd(self.today())
        result = result_element("FECAEASinMovimientoInformar")
        add(result, "CAEA", code)
        add(result, "FchProceso", _ymd(self.today()))
        add(result, "PtoVta", pto)
        add(result, "Resultado", "R" if errors else "A")
        add_messages(result, "Errors", "Err", errors)
        return result

    def FECAEASinMovimientoConsultar(self, request: etree._Element, cuit: int
                                     ) -> etree._Element:
        pto, code = rules.integer(request, "PtoVta"), text(request, "CAEA") or ""
        result = result_element("FECAEASinMovimientoConsultar")
        found = [(key.split("|")[2], processed) for key, processed in self.state.idle.items()
                 if key.startswith(f"{cuit}|{code}|") and (pto == 0 or key.endswith(f"|{pto}"))]
        if not found:
            add_messages(result, "Errors", "Err", [msg(602)])
            return result
        listing = add(result, "ResultGet")
        for number, processed in sorted(found):
            entry = add(listing, "FECAEASinMov")
            add(entry, "CAEA", code)
            add(entry, "FchProceso", processed)
            add(entry, "PtoVta", number)
        return result
