"""Screenshots of a report set for the documentation: the first screen of every page as a PNG of
modest size (a palette of 128 colours), with the politicians' first page also as the README's
picture.

    .venv/bin/lis demo --municipalities 3 && .venv/bin/lis report
    .venv/bin/python -m tests.screenshots reports docs/screenshots
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

from PIL import Image

from tests.headless import Browser

WINDOW = (1000, 1400)  # CSS pixels: the width of a laptop's browser, about one A4 page high


def shoot(reports: Path, out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    written = []
    browser = Browser()
    try:
        for page in sorted(reports.glob("*.html")):
            result = browser.open(page.resolve().as_uri(), "1", window=WINDOW)
            image = Image.open(io.BytesIO(result.screenshot)).convert("RGB")
            small = image.resize((image.width * 3 // 4, image.height * 3 // 4), Image.LANCZOS)
            path = out / f"{page.stem}.png"
            small.quantize(128, method=Image.Quantize.FASTOCTREE).save(path, optimize=True)
            written.append(path)
    finally:
        browser.close()
    return written


if __name__ == "__main__":
    reports, out = Path(sys.argv[1]), Path(sys.argv[2])
    for path in shoot(reports, out):
        print(path, path.stat().st_size)
