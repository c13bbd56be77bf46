"""Just enough DER to check a WSAA login: the CMS SignedData's content, signer and signature.

``cryptography`` signs CMS but does not verify it, so the stand-in reads the structure itself
(RFC 5652) and checks what WSAA checks: the signature over the signed attributes, the
message digest of the content, and that the signer's certificate was issued by our CA.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa

_SIGNED_DATA = "1.2.840.113549.1.7.2"
_MESSAGE_DIGEST = "1.2.840.113549.1.9.4"
_DIGESTS: dict[str, tuple[str, hashes.HashAlgorithm]] = {
    "2.16.840.1.101.3.4.2.1": ("sha256", hashes.SHA256()),
    "2.16.840.1.101.3.4.2.2": ("sha384", hashes.SHA384()),
    "2.16.840.1.101.3.4.2.3": ("sha512", hashes.SHA512()),
    "1.3.14.3.2.26": ("sha1", hashes.SHA1()),  # old WSAA clients still send it
}


class CmsError(ValueError):
    """The CMS is malformed or its signature does not verify."""


@dataclass(frozen=True)
class _Tlv:
    tag: int
    header: int  # offset of the tag byte
    start: int  # offset of the content
    end: int  # offset after the content


def _read(data: bytes, pos: int) -> _Tlv:
    if pos + 2 > len(data):
        raise CmsError("truncated DER")
    tag, length = data[pos], data[pos + 1]
    start = pos + 2
    if length & 0x80:
        count = length & 0x7F
        if count == 0 or count > 4:
            raise CmsError("unsupported DER length")
        length = int.from_bytes(data[start:start + count], "big")
        start += count
    if start + length > len(data):
        raise CmsError("truncated DER")
    return _Tlv(tag, pos, start, start + length)


def _children(data: bytes, tlv: _Tlv) -> list[_Tlv]:
    items, pos = [], tlv.start
    while pos < tlv.end:
        child = _read(data, pos)
        items.append(child)
        pos = child.end
    return items


def _oid(data: bytes, tlv: _Tlv) -> str:
    raw = data[tlv.start:tlv.end]
    parts = [raw[0] // 40, raw[0] % 40]
    value = 0
    for byte in raw[1:]:
        value = (value << 7) | (byte & 0x7F)
        if not byte & 0x80:
            parts.append(value)
            value = 0
    return ".".join(map(str, parts))


@dataclass(frozen=True)
class SignedContent:
    content: bytes
    signer: x509.Certificate


def verify_signed_data(der: bytes, ca: x509.Certificate) -> SignedContent:
    """The content of a CMS SignedData whose signer was issued by ``ca``, or CmsError."""
    content_info = _read(der, 0)
    oid, wrapper = _children(der, content_info)[:2]
    if _oid(der, oid) != _SIGNED_DATA:
        raise CmsError("not a CMS SignedData")
    signed_data = _children(der, _children(der, wrapper)[0])
    encap = _children(der, signed_data[2])
    if len(encap) < 2:
        raise CmsError("the content is not attached")
    octets = _children(der, encap[1])[0]
    content = der[octets.start:octets.end]
    rest = signed_data[3:]
    certificates = [x509.load_der_x509_certificate(der[c.header:c.end])
                    for block in rest if block.tag == 0xA0 for c in _children(der, block)]
    signer_infos = [block for block in rest if block.tag == 0x31]
    if not certificates or not signer_infos:
        raise CmsError("no signer certificate or signer info")
    info = _children(der, _children(der, signer_infos[0])[0])
    serial_tlv = _children(der, info[1])[-1] if info[1].tag == 0x30 else None
    serial = int.from_bytes(der[serial_tlv.start:serial_tlv.end], "big") if serial_tlv else None
    signer = next((c for c in certificates if serial is None or c.serial_number == serial), None)
    if signer is None:
        raise CmsError("the signer's certificate is not in the CMS")
    digest_oid = _oid(der, _children(der, info[2])[0])
    if digest_oid not in _DIGESTS:
        raise CmsError(f"unsupported digest {digest_oid}")
    name, algorithm = _DIGESTS[digest_oid]
    attributes = info[3]
    if attributes.tag != 0xA0:
        raise CmsError("no signed attributes")
    signature_tlv = info[5]
    signature = der[signature_tlv.start:signature_tlv.end]
    _check_message_digest(der, attributes, hashlib.new(name, content).digest())
    signed_bytes = b"\x31" + der[attributes.header + 1:attributes.end]  # [0] IMPLICIT -> SET
    _verify(signer, signature, signed_bytes, algorithm)
    try:
        signer.verify_directly_issued_by(ca)
    except (ValueError, TypeError, InvalidSignature):
        raise CmsError("the certificate was not issued by the configured CA") from None
    return SignedContent(content=content, signer=signer)


def _check_message_digest(der: bytes, attributes: _Tlv, expected: bytes) -> None:
    for attribute in _children(der, attributes):
        oid, values = _children(der, attribute)
        if _oid(der, oid) == _MESSAGE_DIGEST:
            value = _children(der, values)[0]
            if der[value.start:value.end] != expected:
                raise CmsError("the message digest does not match the content")
            return
    raise CmsError("no message digest attribute")


def _verify(signer: x509.Certificate, signature: bytes, data: bytes,
            algorithm: hashes.HashAlgorithm) -> None:
    key = signer.public_key()
    try:
        if isinstance(key, rsa.RSAPublicKey):
            key.verify(signature, data, padding.PKCS1v15(), algorithm)
        elif isinstance(key, ec.EllipticCurvePublicKey):
            key.verify(signature, data, ec.ECDSA(algorithm))
        else:
            raise CmsError("unsupported signer key")
    except InvalidSignature:
        raise CmsError("the signature does not verify") from None
