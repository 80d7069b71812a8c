"""A real browser for tests: Debian's `chromium` driven through its `chromium-driver` by Selenium.

Nothing is downloaded: the driver and the browser are given by path (Selenium Manager is told to stay
offline). Without them the tests that need a browser skip, saying why — unless `NIANBAO_REQUIRE_BROWSER=1`
(set by `.ci/run`), which turns the skip into a failure, so CI always runs them.
"""

from __future__ import annotations

import base64
import os
import re
import tempfile
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from io import BytesIO
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from selenium.webdriver.remote.webdriver import WebDriver

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
REQUIRE = "NIANBAO_REQUIRE_BROWSER"
# The Debian packages a test needs (`.ci/run` installs them).
PACKAGES = "chromium chromium-driver fonts-noto-cjk"
ARGUMENTS = (
    "--headless=new",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
)


def require_browser() -> None:
    """Skip (or, under `NIANBAO_REQUIRE_BROWSER=1`, fail) when Chromium or its driver is missing."""
    missing = [str(path) for path in (CHROMIUM, CHROMEDRIVER) if not path.is_file()]
    if missing:
        reason = f"no real browser ({', '.join(missing)} missing): apt-get install {PACKAGES}"
        if os.environ.get(REQUIRE) == "1":
            pytest.fail(f"{REQUIRE}=1 but {reason}")
        pytest.skip(reason)


@contextmanager
def chromium() -> Iterator[WebDriver]:
    """A headless Chromium with a profile of its own, ended on exit."""
    require_browser()
    os.environ["SE_OFFLINE"] = "true"  # Selenium Manager must not fetch a driver or a browser
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    with tempfile.TemporaryDirectory(prefix="nianbao-chromium-") as profile:
        options = webdriver.ChromeOptions()
        options.binary_location = str(CHROMIUM)
        for argument in (*ARGUMENTS, f"--user-data-dir={profile}"):
            options.add_argument(argument)
        if os.geteuid() == 0:
            options.add_argument("--no-sandbox")  # Chromium's sandbox refuses to run as root
        driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
        try:
            yield driver
        finally:
            driver.quit()


def widths(driver: WebDriver, page: Path, width: int) -> tuple[int, int]:
    """(viewport width, document scroll width) of `page` opened in a window `width` px wide."""
    driver.set_window_size(width, 900)
    driver.get(page.as_uri())
    measured = driver.execute_script("return [window.innerWidth, document.documentElement.scrollWidth]")
    return int(measured[0]), int(measured[1])


def chart_edges(driver: WebDriver, page: Path, width: int) -> list[float]:
    """The right edge of every chart (`<svg>`) of `page` in a window `width` px wide, in px."""
    driver.set_window_size(width, 900)
    driver.get(page.as_uri())
    script = "return Array.from(document.querySelectorAll('svg'), s => s.getBoundingClientRect().right)"
    return [float(edge) for edge in driver.execute_script(script)]


def printed(driver: WebDriver, page: Path) -> list[str]:
    """`page` printed to PDF as Chromium prints it (A4, the page's own @page rules): each page's text."""
    from pypdf import PdfReader
    from selenium.webdriver.common.print_page_options import PrintOptions

    driver.get(page.as_uri())
    options = PrintOptions()
    options.page_width, options.page_height = 21.0, 29.7  # A4, in cm
    pdf = base64.b64decode(driver.print_page(options))
    return [sheet.extract_text() for sheet in PdfReader(BytesIO(pdf)).pages]


# A PDF's text names some ideographs by their radical's code point (⺠ for 民, ⽰ for 示): Chromium's font
# subset maps the glyph back to the first code point the font gives it. NFKC undoes the Kangxi radicals
# (⽰ → 示); the CJK Radicals Supplement (⺠) has no decomposition, so such a character matches any
# ideograph.
SUPPLEMENT = "\u2e80-\u2eff"
# The same happens to the dash: the font draws — (U+2014) and ― (U+2015) with one glyph, and the PDF's
# text gives it back as ―.
DASHES = str.maketrans({"\u2015": "\u2014"})


def flat(text: str) -> str:
    """Text without white space (a PDF breaks a cell's text into lines), radicals and dashes normalised."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).translate(DASHES)


def contains(printed_text: str, expected: str) -> bool:
    """Whether `expected` is in `printed_text`, white space and radicals aside (see `flat`)."""
    return re.search(_pattern(expected), flat(printed_text)) is not None


def same(printed_text: str, expected: str) -> bool:
    """Whether `printed_text` is `expected`, white space and radicals aside (see `flat`)."""
    return re.fullmatch(_pattern(expected), flat(printed_text)) is not None


def _pattern(expected: str) -> str:
    return "".join(f"[{re.escape(c)}{SUPPLEMENT}]" if _ideograph(c) else re.escape(c) for c in flat(expected))


def _ideograph(character: str) -> bool:
    return unicodedata.name(character, "").startswith("CJK UNIFIED IDEOGRAPH")
