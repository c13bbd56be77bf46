"""Draw the application icon: pos_desktop/resources/icons/app.png (256 px), app.ico, app.svg.

Run from the repository root after changing the design: ``python tools/make_icons.py``.
The SVG is the source of truth for the shapes; the PNG/ICO are drawn with Pillow to the
same geometry so the build needs no SVG renderer.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "pos_desktop" / "resources" / "icons"
BLUE_TOP, BLUE_BOTTOM = (30, 110, 200), (12, 60, 130)
PAPER, INK, ACCENT = (255, 255, 255), (40, 60, 90), (245, 180, 40)
S = 1024  # drawing size; scaled down with a good filter


def receipt_outline() -> list[tuple[float, float]]:
    left, right, top, bottom = 300, 724, 190, 800
    teeth = 6
    pts = [(left, top), (right, top), (right, bottom)]
    step = (right - left) / teeth
    for i in range(teeth):
        x = right - step * i
        pts += [(x - step / 2, bottom - 40), (x - step, bottom)]
    return pts


def draw(size: int = S) -> Image.Image:
    img = Image.new("RGBA", (S, S), (0, 0, 0, 0))
    grad = Image.new("RGBA", (S, S))
    gd = ImageDraw.Draw(grad)
    for y in range(S):
        t = y / (S - 1)
        gd.line([(0, y), (S, y)], fill=tuple(
            round(a + (b - a) * t) for a, b in zip(BLUE_TOP, BLUE_BOTTOM, strict=True)))
    mask = Image.new("L", (S, S), 0)
    ImageDraw.Draw(mask).rounded_rectangle((40, 40, S - 40, S - 40), radius=200, fill=255)
    img.paste(grad, (0, 0), mask)
    d = ImageDraw.Draw(img)
    d.polygon(receipt_outline(), fill=PAPER)
    for y in (300, 370, 440):
        d.rounded_rectangle((370, y, 654, y + 26), radius=13, fill=(200, 210, 225))
    font = ImageFont.truetype(str(ROOT / "pos_common" / "fonts" / "DejaVuSans-Bold.ttf"), 300)
    d.ellipse((380, 480, 644, 744), fill=ACCENT)
    d.text((512, 612), "$", font=font, fill=INK, anchor="mm")
    return img.resize((size, size), Image.Resampling.LANCZOS)


SVG = """<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1024 1024" width="256" height="256">
  <defs>
    <linearGradient id="bg" x1="0" y1="0" x2="0" y2="1">
      <stop offset="0" stop-color="rgb{top}"/><stop offset="1" stop-color="rgb{bottom}"/>
    </linearGradient>
  </defs>
  <rect x="40" y="40" width="944" height="944" rx="200" fill="url(#bg)"/>
  <polygon points="{receipt}" fill="rgb{paper}"/>
  <g fill="rgb(200,210,225)">
    <rect x="370" y="300" width="284" height="26" rx="13"/>
    <rect x="370" y="370" width="284" height="26" rx="13"/>
    <rect x="370" y="440" width="284" height="26" rx="13"/>
  </g>
  <circle cx="512" cy="612" r="132" fill="rgb{accent}"/>
  <text x="512" y="716" font-family="DejaVu Sans, sans-serif" font-weight="bold" font-size="300"
        fill="rgb{ink}" text-anchor="middle">$</text>
</svg>
"""


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    big = draw(256)
    big.save(OUT / "app.png")
    big.save(OUT / "app.ico", sizes=[(16, 16), (24, 24), (32, 32), (48, 48), (64, 64),
                                     (128, 128), (256, 256)])
    receipt = " ".join(f"{x:g},{y:g}" for x, y in receipt_outline())
    (OUT / "app.svg").write_text(SVG.format(
        top=BLUE_TOP, bottom=BLUE_BOTTOM, receipt=receipt, paper=PAPER, accent=ACCENT,
        ink=INK), encoding="utf-8")


if __name__ == "__main__":
    main()
