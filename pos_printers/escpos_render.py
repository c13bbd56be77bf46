"""Document -> ESC/POS bytes for one printer profile. Deterministic: same input, same bytes.

We build the bytes ourselves rather than through python-escpos's printer object: its text
path goes through the automatic code-page switcher we must avoid, and building a byte
string directly is fast and trivially testable. The command set is the plain Epson one
every profile here understands:

INIT ``ESC @`` · code page ``ESC t n`` · font ``ESC M n`` · align ``ESC a n`` · bold
``ESC E n`` · size ``GS ! n`` · feed ``ESC d n`` · cut ``GS V 0|1`` · drawer ``ESC p m t1 t2``
· barcode ``GS h/w/H`` + ``GS k 73`` (CODE128) · QR ``GS ( k`` · raster image ``GS v 0``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from pos_printers import raster
from pos_printers.document import (
    Align,
    Barcode,
    Cut,
    Document,
    DrawerKick,
    Feed,
    Logo,
    QrCode,
    Row,
    Separator,
    Text,
    row_text,
)
from pos_printers.encoding import DEFAULT_CODE_PAGE, CodePageEncoder, normalize_code_page
from pos_printers.profiles import Profile

ESC = b"\x1b"
GS = b"\x1d"
LF = b"\n"
INIT = ESC + b"@"
ALIGN = {Align.LEFT: ESC + b"a\x00", Align.CENTER: ESC + b"a\x01", Align.RIGHT: ESC + b"a\x02"}
BOLD = {False: ESC + b"E\x00", True: ESC + b"E\x01"}
SIZE = {False: GS + b"!\x00", True: GS + b"!\x11"}  # double width and height
FULL_CUT = GS + b"V\x00"
PARTIAL_CUT = GS + b"V\x01"
# ESC p m t1 t2: pulse 50 ms on, 500 ms off, the drawer makers' usual figures.
DRAWER = {2: ESC + b"p\x00\x19\xfa", 5: ESC + b"p\x01\x19\xfa"}
FEED_BEFORE_CUT = 4  # lines between the last text and the blade

CutMode = Literal["full", "partial", "none"]


@dataclass(frozen=True, slots=True)
class EscposOptions:
    profile: Profile
    code_page: str = DEFAULT_CODE_PAGE
    #: ESC t number to send; None = the profile's number for ``code_page``.
    code_page_number: int | None = None
    cut: CutMode = "partial"
    #: drawer connector pin (2 or 5); None = never kick the drawer
    drawer_pin: int | None = 2


def feed(lines: int) -> bytes:
    return ESC + b"d" + bytes((max(0, min(lines, 255)),))


def code128_native(data: str) -> bytes:
    payload = b"{B" + data.encode("ascii", "replace")  # {B: code set B, any ASCII text
    return (GS + b"h\x50"  # height 80 dots
            + GS + b"w\x02"  # module width 2 dots
            + GS + b"H\x00"  # no HRI: the layout prints the number as text
            + GS + b"f\x00"
            + GS + b"k\x49" + bytes((len(payload),)) + payload)


def qr_native(data: str, module: int = 6) -> bytes:
    body = data.encode("utf-8")

    def fn(code: bytes, params: bytes) -> bytes:
        return GS + b"(k" + (len(params) + 2).to_bytes(2, "little") + b"1" + code + params

    return (fn(b"A", b"2\x00")  # model 2
            + fn(b"C", bytes((module,)))  # module size
            + fn(b"E", b"1")  # error correction M
            + fn(b"P", b"0" + body)  # store data
            + fn(b"Q", b"0"))  # print


class _Writer:
    """Accumulates bytes and only emits a style command when the style changes."""

    def __init__(self, encoder: CodePageEncoder) -> None:
        self.out: list[bytes] = []
        self.encode = encoder.encode
        self.align = Align.LEFT
        self.bold = False
        self.double = False

    def style(self, align: Align, bold: bool, double: bool) -> None:
        if align is not self.align:
            self.out.append(ALIGN[align])
            self.align = align
        if bold != self.bold:
            self.out.append(BOLD[bold])
            self.bold = bold
        if double != self.double:
            self.out.append(SIZE[double])
            self.double = double

    def line(self, text: str, align: Align = Align.LEFT, bold: bool = False,
             double: bool = False) -> None:
        self.style(align, bold, double)
        self.out.append(self.encode(text) + LF)


def render_escpos(document: Document, options: EscposOptions) -> bytes:
    profile = options.profile
    font = profile.font_for(document.columns)
    code_page = normalize_code_page(options.code_page)
    number = (options.code_page_number if options.code_page_number is not None
              else profile.code_page_number(code_page))
    w = _Writer(CodePageEncoder(code_page))
    w.out += [INIT, ESC + b"t" + bytes((number,))]
    if font:
        w.out.append(ESC + b"M\x01")
    columns = document.columns
    for block in document.blocks:
        if isinstance(block, Text):
            # Alignment is done by the printer (ESC a) so the preview shows what it does;
            # trailing spaces are never sent.
            w.line(block.text.rstrip(), block.align, block.bold, block.double)
        elif isinstance(block, Row):
            w.line(row_text(block, columns), Align.LEFT, block.bold, block.double)
        elif isinstance(block, Separator):
            w.line(block.char * columns)
        elif isinstance(block, Feed):
            w.style(w.align, False, False)
            w.out.append(feed(block.lines))
        elif isinstance(block, Barcode):
            _barcode(w, block.data, profile)
        elif isinstance(block, QrCode):
            _qr(w, block.data, profile)
        elif isinstance(block, Logo):
            logo = raster.load_logo(block.path, profile.dots_width)
            if logo is not None:
                w.style(Align.LEFT, False, False)
                w.out.append(raster.raster_bytes(raster.center_on(logo, profile.dots_width)))
        elif isinstance(block, Cut):
            w.style(Align.LEFT, False, False)
            w.out.append(feed(FEED_BEFORE_CUT))
            w.out.append(_cut(options))
        elif isinstance(block, DrawerKick) and options.drawer_pin is not None:
            w.out.append(DRAWER[options.drawer_pin])
    return b"".join(w.out)


def _cut(options: EscposOptions) -> bytes:
    profile = options.profile
    if options.cut == "none" or not profile.has_cutter:
        return b""  # tear-off printers: the feed above brings the text past the tear bar
    if options.cut == "partial" and profile.partial_cut:
        return PARTIAL_CUT
    return FULL_CUT


def _barcode(w: _Writer, data: str, profile: Profile) -> None:
    if profile.native_barcode:
        w.style(Align.CENTER, False, False)
        w.out.append(code128_native(data))
    else:
        image = raster.center_on(raster.code128_image(data), profile.dots_width)
        w.style(Align.LEFT, False, False)
        w.out.append(raster.raster_bytes(image))


def _qr(w: _Writer, data: str, profile: Profile) -> None:
    w.style(Align.CENTER, False, False)
    if profile.native_qr:
        w.out.append(qr_native(data))
    else:
        w.style(Align.LEFT, False, False)
        w.out.append(raster.raster_bytes(raster.center_on(raster.qr_image(data),
                                                          profile.dots_width)))


def plain_text(document: Document) -> str:
    """What a person reads on the paper, for logs and the CLI's text dump."""
    return "\n".join(document.text_lines())
