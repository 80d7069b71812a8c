"""tests/browser.py: without Chromium the browser tests skip, saying why, unless CI requires them."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests import browser


@pytest.fixture
def no_chromium(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(browser, "CHROMIUM", tmp_path / "chromium")


def test_without_chromium_the_browser_tests_skip_saying_what_to_install(
    no_chromium: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(browser.REQUIRE, raising=False)
    with pytest.raises(
        pytest.skip.Exception, match="apt-get install chromium chromium-driver fonts-noto-cjk"
    ):
        browser.require_browser()


def test_when_ci_requires_the_browser_its_absence_fails(
    no_chromium: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(browser.REQUIRE, "1")
    with pytest.raises(pytest.fail.Exception, match="NIANBAO_REQUIRE_BROWSER=1 but no real browser"):
        browser.require_browser()
