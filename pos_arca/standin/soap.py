"""SOAP envelopes shaped like ARCA's (``shared/afip/examples``), read and written with lxml."""

from __future__ import annotations

from datetime import datetime

from lxml import etree

SOAP_ENV = "http://schemas.xmlsoap.org/soap/envelope/"
FEV1 = "http://ar.gov.afip.dif.FEV1/"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
XSD = "http://www.w3.org/2001/XMLSchema"
AXIS = "http://xml.apache.org/axis/"

_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)


class BadRequest(ValueError):
    """Not a SOAP request we can read."""


def parse_body(body: bytes) -> etree._Element:
    """The first element inside soap:Body (the operation's wrapper)."""
    try:
        root = etree.fromstring(body, _PARSER)
    except etree.XMLSyntaxError as error:
        raise BadRequest(f"XML mal formado: {error}") from None
    envelope_body = root.find(f"{{{SOAP_ENV}}}Body")
    if envelope_body is None or len(envelope_body) == 0:
        raise BadRequest("sin soap:Body")
    return envelope_body[0]


def local(element: etree._Element) -> str:
    # "{namespace}name" → "name" without a QName per element: ``child`` calls this for
    # every sibling it passes, some 200 times a FECAESolicitar (the stand-in serves the
    # benchmarks' raw baselines too).
    return str(element.tag).rpartition("}")[2]


def namespace_of(element: etree._Element) -> str:
    return str(etree.QName(element).namespace or "")


def child(element: etree._Element | None, *path: str) -> etree._Element | None:
    """Child by local names, whatever namespace the client used."""
    for name in path:
        if element is None:
            return None
        element = next((c for c in element if isinstance(c.tag, str) and local(c) == name), None)
    return element


def children(element: etree._Element | None, name: str) -> list[etree._Element]:
    if element is None:
        return []
    return [c for c in element if isinstance(c.tag, str) and local(c) == name]


def text(element: etree._Element | None, *path: str) -> str | None:
    found = child(element, *path)
    if found is None or found.text is None:
        return None
    return str(found.text).strip()


def _envelope(prefix: str, header_info: tuple[str, datetime] | None) -> etree._Element:
    envelope = etree.Element(f"{{{SOAP_ENV}}}Envelope",
                             nsmap={prefix: SOAP_ENV, "xsi": XSI, "xsd": XSD})
    if header_info is not None:
        ambiente, moment = header_info
        header = etree.SubElement(envelope, f"{{{SOAP_ENV}}}Header")
        info = etree.SubElement(header, f"{{{FEV1}}}FEHeaderInfo", nsmap={None: FEV1})
        add(info, "ambiente", ambiente)
        add(info, "fecha", moment.isoformat())
        add(info, "id", "4.3.0.0")
    return envelope


def wsfe_response(operation: str, result: etree._Element, ambiente: str,
                  moment: datetime) -> bytes:
    envelope = _envelope("soap", (ambiente, moment))
    body = etree.SubElement(envelope, f"{{{SOAP_ENV}}}Body")
    response = etree.SubElement(body, f"{{{FEV1}}}{operation}Response", nsmap={None: FEV1})
    response.append(result)
    return _serialize(envelope)


def result_element(operation: str) -> etree._Element:
    return etree.Element(f"{{{FEV1}}}{operation}Result", nsmap={None: FEV1})


def add(parent: etree._Element, name: str, value: object | None = None) -> etree._Element:
    """A child in the parent's namespace, as ARCA's unprefixed elements are."""
    namespace = etree.QName(parent).namespace
    element = etree.SubElement(parent, f"{{{namespace}}}{name}" if namespace else name)
    if value is not None:
        element.text = str(value)
    return element


def wsaa_response(namespace: str, ticket_xml: str) -> bytes:
    envelope = _envelope("soapenv", None)
    body = etree.SubElement(envelope, f"{{{SOAP_ENV}}}Body")
    response = etree.SubElement(body, f"{{{namespace}}}loginCmsResponse", nsmap={None: namespace})
    add(response, "loginCmsReturn", ticket_xml)
    return _serialize(envelope)


def axis_fault(code: str, message: str, exception_name: str, hostname: str) -> bytes:
    """A fault as WSAA (Apache Axis) sends it, e.g. ``ns1:coe.alreadyAuthenticated``."""
    envelope = _envelope("soapenv", None)
    body = etree.SubElement(envelope, f"{{{SOAP_ENV}}}Body")
    fault = etree.SubElement(body, f"{{{SOAP_ENV}}}Fault")
    etree.SubElement(fault, "faultcode", nsmap={"ns1": AXIS}).text = f"ns1:{code}"
    etree.SubElement(fault, "faultstring").text = message
    detail = etree.SubElement(fault, "detail")
    etree.SubElement(detail, f"{{{AXIS}}}exceptionName", nsmap={"ns2": AXIS}).text = exception_name
    etree.SubElement(detail, f"{{{AXIS}}}hostname", nsmap={"ns3": AXIS}).text = hostname
    return _serialize(envelope)


def asmx_fault(message: str, *, code: str = "soap:Client") -> bytes:
    """A fault as WSFEv1 (.NET asmx) sends it: ``soap:Client`` for a request it cannot read,
    ``soap:Server`` when the service itself throws."""
    envelope = _envelope("soap", None)
    body = etree.SubElement(envelope, f"{{{SOAP_ENV}}}Body")
    fault = etree.SubElement(body, f"{{{SOAP_ENV}}}Fault")
    etree.SubElement(fault, "faultcode").text = code
    etree.SubElement(fault, "faultstring").text = message
    etree.SubElement(fault, "detail")
    return _serialize(envelope)


def _serialize(envelope: etree._Element) -> bytes:
    return bytes(etree.tostring(envelope, xml_declaration=True, encoding="utf-8"))
