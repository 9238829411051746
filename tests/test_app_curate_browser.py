"""Curating in the browser: `kg app --curate` in a subprocess on a store freshly built from
examples/, driven by headless Chromium (Playwright): a tag rejected on a paper page is gone
from the page and the store, undo brings it back. Screenshots in tmp/artefacts."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.curation import Curation
from tests.conftest import EXAMPLES, built_store
from tests.test_app_browser import artefacts, browser_page, serve_app  # noqa: F401

pytestmark = pytest.mark.skipif(not Path("/usr/bin/chromium").exists(),
                                reason="Debian chromium not installed")

PAPER = "arxiv:1706.03762"  # "Attention Is All You Need" in examples/
TAG = ".st-key-paper-c-concept-convolution"  # the tag's button in the concept list


def test_reject_a_tag_then_undo_in_the_browser(
    tmp_path_factory: pytest.TempPathFactory, extractor_prototype, artefacts: Path  # noqa: F811
) -> None:
    uri = built_store(tmp_path_factory, "curate-browser", [EXAMPLES], extractor_prototype)
    workdir = Path(uri.removeprefix("oxigraph:")).parent
    curation = workdir / "kg" / "curation.csv"
    with serve_app(uri, workdir, "--curate") as url, browser_page() as page:
        page.goto(f"{url}/?view=Paper&id={PAPER}", wait_until="domcontentloaded")
        page.locator(TAG).wait_for(timeout=60_000)
        page.get_by_text("Curating as").wait_for()
        page.locator(".st-key-curate-tag-concept-convolution-menu").get_by_role("button").click()
        page.locator(".st-key-curate-tag-concept-convolution-reject").get_by_role(
            "button", name="Not a concept here").click()
        page.get_by_text("Recorded").wait_for(timeout=60_000)
        page.locator(TAG).wait_for(state="detached", timeout=30_000)
        page.screenshot(path=str(artefacts / "curate-rejected.png"), full_page=True)
        [decision] = Curation.load(curation)[0].decisions
        assert (decision.action, decision.paper, decision.concept) == (
            "reject-mention", PAPER, "concept:convolution")
        page.locator(".st-key-curate-undo-last").get_by_role("button").click()
        page.get_by_text("Undone").wait_for(timeout=120_000)  # an undo extracts again
        page.locator(TAG).wait_for(timeout=30_000)
        page.screenshot(path=str(artefacts / "curate-undone.png"), full_page=True)
        assert Curation.load(curation)[0].decisions == []
    assert "Traceback" not in (workdir / "app.log").read_text("utf-8", "replace")
