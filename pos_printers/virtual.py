"""The virtual printer: decodes the exact ESC/POS bytes a printer would receive and draws them.

It is the on-screen printer under ``--demo`` and the oracle of the tests: it reads text
through the code page selected by ``ESC t`` (so a wrong page shows as wrong letters, as on
paper), tracks bold/size/alignment/font, and turns barcodes, QR codes, raster images, cuts
and drawer kicks into objects. A command it does not know is an error, not something to
skip: the real printer would print it as garbage.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, TypeVar

from PIL import Image, ImageDraw, ImageFont

from pos_common import FONTS_DIR
from pos_common.i18n import N_, _
from pos_printers import raster
from pos_printers.document import Align
from pos_printers.encoding import CODE_PAGES
from pos_printers.errors import PrintingError
from pos_printers.profiles import Profile

_T = TypeVar("_T")
_ALIGN_BY_N = {0: Align.LEFT, 1: Align.CENTER, 2: Align.RIGHT,
               48: Align.LEFT, 49: Align.CENTER, 50: Align.RIGHT}


class VirtualPrinterError(PrintingError):
    """The bytes contain something a real printer would not understand."""


@dataclass(frozen=True, slots=True)
class Segment:
    text: str
    bold: bool
    width: int  # 1 or 2 (double width)
    height: int  # 1 or 2 (double height)


@dataclass(frozen=True, slots=True)
class VText:
    segments: tuple[Segment, ...]
    align: Align
    font: int

    @property
    def text(self) -> str:
        return "".join(s.text for s in self.segments)

    @property
    def bold(self) -> bool:
        return any(s.bold for s in self.segments if s.text.strip())

    @property
    def double(self) -> bool:
        return any(s.width > 1 and s.height > 1 for s in self.segments if s.text.strip())


@dataclass(frozen=True, slots=True)
class VImage:
    image: Image.Image
    align: Align


@dataclass(frozen=True, slots=True)
class VBarcode:
    data: str
    module: int
    height: int
    hri: bool
    align: Align


@dataclass(frozen=True, slots=True)
class VQr:
    data: str
    module: int
    align: Align


@dataclass(frozen=True, slots=True)
class VFeed:
    lines: int


@dataclass(frozen=True, slots=True)
class VCut:
    partial: bool


@dataclass(frozen=True, slots=True)
class VDrawer:
    pin: int


Item = VText | VImage | VBarcode | VQr | VFeed | VCut | VDrawer


@dataclass
class VirtualReceipt:
    """What came out of the printer, in order."""

    profile: Profile
    items: list[Item] = field(default_factory=list)
    inits: int = 0
    code_page_numbers: list[int] = field(default_factory=list)

    def texts(self) -> list[VText]:
        return [i for i in self.items if isinstance(i, VText)]

    def text_lines(self) -> list[str]:
        """Printed text lines, aligned in the line's columns (as ``Document.text_lines``).

        Paper feeds are left out: they move paper, they print no line.
        """
        out: list[str] = []
        for item in self.items:
            if isinstance(item, VText):
                cols = self.profile.font_a_columns if item.font == 0 else \
                    self.profile.font_b_columns
                text = item.text
                width = max(1, cols // max((s.width for s in item.segments), default=1))
                if item.align is Align.CENTER:
                    text = text.center(width).rstrip()
                elif item.align is Align.RIGHT:
                    text = text.rjust(width)
                out.append(text)
        return out

    def of_type(self, kind: type[_T]) -> list[_T]:
        return [i for i in self.items if isinstance(i, kind)]


class _Decoder:
    def __init__(self, data: bytes, profile: Profile) -> None:
        self.data = data
        self.pos = 0
        self.profile = profile
        self.receipt = VirtualReceipt(profile)
        self._by_number = {n: name for name, n in profile.code_pages.items()}
        self.reset()
        self.segments: list[Segment] = []
        self.qr_data = ""
        self.qr_module = 3

    def reset(self) -> None:
        self.codec = "cp437"  # what every Epson-compatible printer starts in
        self.font = 0
        self.align = Align.LEFT
        self.bold = False
        self.width = 1
        self.height = 1
        self.bc_height = 162
        self.bc_module = 3
        self.bc_hri = False

    def take(self, n: int) -> bytes:
        if self.pos + n > len(self.data):
            raise VirtualPrinterError(N_("a command is cut short at the end (byte {at})"),
                                      at=self.pos)
        chunk = self.data[self.pos:self.pos + n]
        self.pos += n
        return chunk

    def byte(self) -> int:
        return self.take(1)[0]

    def emit(self, item: Item) -> None:
        self.receipt.items.append(item)

    def flush_line(self, force: bool) -> None:
        if self.segments or force:
            self.emit(VText(tuple(self.segments), self.align, self.font))
        self.segments = []

    def run(self) -> VirtualReceipt:
        data = self.data
        while self.pos < len(data):
            b = data[self.pos]
            if b >= 0x20:
                end = self.pos
                while end < len(data) and data[end] >= 0x20:
                    end += 1
                text = data[self.pos:end].decode(self.codec, errors="replace")
                self.segments.append(Segment(text, self.bold, self.width, self.height))
                self.pos = end
                continue
            self.pos += 1
            if b == 0x0A:
                self.flush_line(force=True)
            elif b == 0x0D:
                pass
            elif b == 0x1B:
                self.esc(self.byte())
            elif b == 0x1D:
                self.gs(self.byte())
            elif b == 0x10:
                self.take(2)  # DLE EOT n / DLE ENQ: real-time status, prints nothing
            else:
                raise VirtualPrinterError(N_("unknown control byte {byte} at {at}"),
                                          byte=f"0x{b:02x}", at=self.pos - 1)
        self.flush_line(force=False)
        return self.receipt

    def esc(self, cmd: int) -> None:
        c = chr(cmd)
        if c == "@":
            self.flush_line(force=False)
            self.reset()
            self.receipt.inits += 1
        elif c == "t":
            n = self.byte()
            name = self._by_number.get(n)
            if name is None:
                raise VirtualPrinterError(N_("ESC t {n}: no such code page on the {model}"),
                                          n=n, model=self.profile.name)
            self.codec = CODE_PAGES[name].codec
            self.receipt.code_page_numbers.append(n)
        elif c == "M":
            self.font = self.byte() & 1
        elif c == "a":
            self.align = _ALIGN_BY_N.get(self.byte(), Align.LEFT)
        elif c == "E":
            self.bold = bool(self.byte() & 1)
        elif c == "!":
            n = self.byte()
            self.font, self.bold = n & 1, bool(n & 8)
            self.height, self.width = (2 if n & 16 else 1), (2 if n & 32 else 1)
        elif c == "d":
            self.flush_line(force=False)
            self.emit(VFeed(self.byte()))
        elif c == "p":
            m = self.byte()
            self.take(2)
            self.emit(VDrawer(5 if m & 1 else 2))
        elif c == "2":
            pass  # default line spacing: the preview keeps its own
        elif c in "-3{GV":
            self.byte()  # underline, line spacing, upside-down, double-strike, rotation
        elif c == "J":
            self.flush_line(force=False)
            self.emit(VFeed(1 if self.byte() else 0))
        else:
            raise VirtualPrinterError(N_("unknown command {command} at {at}"),
                                      command=f"ESC {c!r}", at=self.pos - 2)

    def gs(self, cmd: int) -> None:
        c = chr(cmd)
        if c == "!":
            n = self.byte()
            self.width, self.height = (n >> 4) + 1, (n & 0x0F) + 1
        elif c == "V":
            m = self.byte()
            if m in (65, 66):
                self.byte()
            self.flush_line(force=False)
            self.emit(VCut(partial=m in (1, 49, 66)))
        elif c == "h":
            self.bc_height = self.byte()
        elif c == "w":
            self.bc_module = self.byte()
        elif c == "H":
            self.bc_hri = self.byte() in (2, 3, 50, 51)
        elif c in "fbBL":
            self.take(2 if c == "L" else 1)  # HRI font, smoothing, reverse, left margin
        elif c == "k":
            self.barcode(self.byte())
        elif c == "(":
            self.function(self.byte())
        elif c == "v":
            if self.take(1) != b"0":
                raise VirtualPrinterError(N_("GS v: only GS v 0 is supported"))
            self.byte()
            width_bytes = int.from_bytes(self.take(2), "little")
            height = int.from_bytes(self.take(2), "little")
            bitmap = self.take(width_bytes * height)
            self.flush_line(force=False)
            self.emit(VImage(raster.raster_to_image(width_bytes, height, bitmap), self.align))
        else:
            raise VirtualPrinterError(N_("unknown command {command} at {at}"),
                                      command=f"GS {c!r}", at=self.pos - 2)

    def barcode(self, m: int) -> None:
        if m < 65:
            end = self.data.index(b"\x00", self.pos)
            raw = self.take(end - self.pos)
            self.pos += 1
        else:
            raw = self.take(self.byte())
        if m != 73:
            raise VirtualPrinterError(N_("GS k {m}: only CODE128 (73) is supported"), m=m)
        if raw[:2] == b"{C":
            data = "".join(f"{b:02d}" for b in raw[2:])
        else:
            data = raw[2:].decode("ascii") if raw[:1] == b"{" else raw.decode("ascii")
        self.flush_line(force=False)
        self.emit(VBarcode(data, self.bc_module, self.bc_height, self.bc_hri, self.align))

    def function(self, kind: int) -> None:
        length = int.from_bytes(self.take(2), "little")
        body = self.take(length)
        if chr(kind) != "k" or body[:1] != b"1":
            return  # other GS ( functions (graphics settings) print nothing by themselves
        fn = chr(body[1])
        if fn == "C":
            self.qr_module = body[2]
        elif fn == "P":
            self.qr_data = body[3:].decode("utf-8")
        elif fn == "Q":
            self.flush_line(force=False)
            self.emit(VQr(self.qr_data, self.qr_module, self.align))


def decode(data: bytes, profile: Profile) -> VirtualReceipt:
    """Interpret the bytes the way ``profile``'s printer would."""
    return _Decoder(data, profile).run()


# --- drawing --------------------------------------------------------------------------

MARGIN = 16
MARKER_GREY = 150
_MONO_ADVANCE = 0.602  # DejaVu Sans Mono advance width per point of size


@lru_cache(maxsize=16)
def _font(bold: bool, size: int) -> ImageFont.FreeTypeFont:
    name = "DejaVuSansMono-Bold.ttf" if bold else "DejaVuSansMono.ttf"
    # BASIC layout: monospace text needs no shaping, and it renders several times faster.
    return ImageFont.truetype(str(FONTS_DIR / name), size, layout_engine=ImageFont.Layout.BASIC)


@dataclass(frozen=True, slots=True)
class _Metrics:
    cell: float  # dots per character cell
    line: int  # dots per text line (height 1)
    size: int  # font size for height-1 text


def _metrics(profile: Profile, font: int) -> _Metrics:
    columns = profile.font_a_columns if font == 0 else profile.font_b_columns
    cell = profile.dots_width / columns
    return _Metrics(cell, round(cell * 2.5), max(6, round(cell / _MONO_ADVANCE)))


def _item_height(item: Item, profile: Profile) -> int:
    if isinstance(item, VText):
        m = _metrics(profile, item.font)
        return m.line * max((s.height for s in item.segments), default=1)
    if isinstance(item, VFeed):
        return _metrics(profile, 0).line * item.lines
    if isinstance(item, VImage):
        return item.image.height
    if isinstance(item, VBarcode):
        return item.height + (_metrics(profile, 0).line if item.hri else 0) + 8
    if isinstance(item, VQr):
        return len(raster.qr_matrix(item.data)) * item.module + 8
    return _metrics(profile, 0).line  # cut and drawer markers


def _x_for(align: Align, width: int, paper: int) -> int:
    if align is Align.CENTER:
        return MARGIN + max(0, (paper - width) // 2)
    if align is Align.RIGHT:
        return MARGIN + max(0, paper - width)
    return MARGIN


def render_image(receipt: VirtualReceipt) -> Image.Image:
    """Draw the decoded receipt on a white strip of paper (grayscale, 1 px per dot)."""
    profile = receipt.profile
    paper = profile.dots_width
    height = sum(_item_height(i, profile) for i in receipt.items) + 2 * MARGIN
    img = Image.new("L", (paper + 2 * MARGIN, height), 255)
    draw = ImageDraw.Draw(img)
    y = MARGIN
    for item in receipt.items:
        h = _item_height(item, profile)
        if isinstance(item, VText):
            _draw_text(img, item, profile, y)
        elif isinstance(item, VImage):
            img.paste(item.image.convert("L"), (_x_for(item.align, item.image.width, paper), y))
        elif isinstance(item, VBarcode):
            bars = raster.code128_image(item.data, item.module, item.height).convert("L")
            img.paste(bars, (_x_for(item.align, bars.width, paper), y))
            if item.hri:
                m = _metrics(profile, 0)
                font = _font(False, m.size)
                width = round(len(item.data) * m.cell)
                draw.text((_x_for(item.align, width, paper), y + item.height + 2), item.data,
                          font=font, fill=0)
        elif isinstance(item, VQr):
            code = raster.qr_image(item.data, item.module).convert("L")
            img.paste(code, (_x_for(item.align, code.width, paper), y + 4))
        elif isinstance(item, VCut):
            label = _("partial cut") if item.partial else _("full cut")
            _draw_marker(draw, f"✂ {label} ", paper, y, h, dashed=True)
        elif isinstance(item, VDrawer):
            marker = _("opens the drawer (pin {pin})").format(pin=item.pin)
            _draw_marker(draw, f"[ {marker} ]", paper, y, h, dashed=False)
        y += h
    return img


@lru_cache(maxsize=2048)
def _glyph(ch: str, bold: bool, size: int) -> tuple[Any, int, int, int]:
    """One character as a mask, drawn once: pasting cached glyphs is ~5x faster than
    asking FreeType to lay out every line of every receipt."""
    font = _font(bold, size)
    left, top, right, bottom = (int(v) for v in font.getbbox(ch))
    mask = Image.new("L", (max(1, right - left), max(1, bottom - top)), 0)
    ImageDraw.Draw(mask).text((-left, -top), ch, font=font, fill=255)
    return mask.im, mask.width, mask.height, top


def _draw_text(img: Image.Image, item: VText, profile: Profile, y: int) -> None:
    m = _metrics(profile, item.font)
    cells = sum(len(s.text) * s.width for s in item.segments)
    x = float(_x_for(item.align, round(cells * m.cell), profile.dots_width))
    line_h = m.line * max((s.height for s in item.segments), default=1)
    core = img.im  # the C image: its paste skips PIL's per-call Python checks
    for seg in item.segments:
        if seg.width != seg.height:
            raise VirtualPrinterError(N_("different width and height sizes are not supported"))
        size = m.size * seg.height
        baseline_top = y + line_h - round(m.line * seg.height * 0.9)
        step = m.cell * seg.width
        for ch in seg.text:
            if not ch.isspace():
                mask, w, h, top = _glyph(ch, seg.bold, size)
                x0, y0 = round(x), baseline_top + top
                core.paste(0, (x0, y0, x0 + w, y0 + h), mask)
            x += step


def _draw_marker(draw: ImageDraw.ImageDraw, label: str, paper: int, y: int, h: int,
                 dashed: bool) -> None:
    mid = y + h // 2
    if dashed:
        for x in range(MARGIN, MARGIN + paper, 12):
            draw.line((x, mid, x + 6, mid), fill=MARKER_GREY, width=1)
    font = _font(False, 14)
    width = draw.textlength(label, font=font)
    left = MARGIN + (paper - width) / 2
    draw.rectangle((left - 4, mid - 9, left + width + 4, mid + 9), fill=255)
    draw.text((left, mid - 8), label, font=font, fill=MARKER_GREY)


def render_png(data: bytes, profile: Profile) -> bytes:
    """ESC/POS bytes -> PNG of the paper, for the preview window and the CLI."""
    import io

    buffer = io.BytesIO()
    render_image(decode(data, profile)).save(buffer, format="PNG", compress_level=1)
    return buffer.getvalue()
