"""Curating in the browser: `kg app --curate` in a subprocess on a store freshly built from
examples/, driven by headless Chromium (Playwright): a tag rejected on a paper page is gone
from the page and the store, undo brings it back; a missed concept is added by selecting
its words with the mouse. Screenshots in tmp/artefacts."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from kg.curation import Curation
from tests.conftest import EXAMPLES, built_store
from tests.test_app_browser import artefacts, browser_page, serve_app  # noqa: F401

pytestmark = pytest.mark.skipif(not Path("/usr/bin/chromium").exists(),
                                reason="Debian chromium not installed")

PAPER = "arxiv:1706.03762"  # "Attention Is All You Need" in examples/
TAG = ".st-key-paper-c-concept-convolution"  # the tag's button in the concept list


@pytest.fixture(scope="module")
def curating_app(tmp_path_factory: pytest.TempPathFactory,
                 extractor_prototype) -> Iterator[tuple[str, Path]]:
    """`kg app --curate` on its own store: (URL, the curation file)."""
    uri = built_store(tmp_path_factory, "curate-browser", [EXAMPLES], extractor_prototype)
    workdir = Path(uri.removeprefix("oxigraph:")).parent
    with serve_app(uri, workdir, "--curate") as url:
        yield url, workdir / "kg" / "curation.csv"
    assert "Traceback" not in (workdir / "app.log").read_text("utf-8", "replace")


def in_force(curation: Path) -> list:
    return Curation.load(curation)[0].decisions


def undo_last(page) -> None:
    page.locator(".st-key-curate-undo-last").get_by_role("button").click()
    page.get_by_text("Undone").wait_for(timeout=120_000)  # an undo extracts again


def test_reject_a_tag_then_undo_in_the_browser(
    curating_app: tuple[str, Path], artefacts: Path  # noqa: F811
) -> None:
    url, curation = curating_app
    with browser_page() as page:
        page.goto(f"{url}/?view=Paper&id={PAPER}", wait_until="domcontentloaded")
        page.locator(TAG).wait_for(timeout=60_000)
        page.get_by_text("Curating as").wait_for()
        page.locator(".st-key-curate-tag-concept-convolution-menu").get_by_role("button").click()
        page.locator(".st-key-curate-tag-concept-convolution-reject").get_by_role(
            "button", name="Not a concept here").click()
        page.get_by_text("Recorded").wait_for(timeout=60_000)
        page.locator(TAG).wait_for(state="detached", timeout=30_000)
        page.screenshot(path=str(artefacts / "curate-rejected.png"), full_page=True)
        [decision] = in_force(curation)
        assert (decision.action, decision.paper, decision.concept) == (
            "reject-mention", PAPER, "concept:convolution")
        undo_last(page)
        page.locator(TAG).wait_for(timeout=30_000)
        page.screenshot(path=str(artefacts / "curate-undone.png"), full_page=True)
        assert in_force(curation) == []


def span_frame(page, timeout_ms: int = 30_000):  # -> playwright Frame
    """The frame of the span selection component once it shows the text."""
    deadline = page.evaluate("Date.now()") + timeout_ms
    while page.evaluate("Date.now()") < deadline:
        for frame in page.frames[1:]:
            try:
                if frame.evaluate("() => (document.getElementById('text') || {}).textContent"):
                    return frame
            except Exception:  # still loading
                continue
        page.wait_for_timeout(250)
    raise AssertionError("the span selection component did not appear")


def settled_box(page, frame, timeout_ms: int = 10_000) -> dict[str, float]:
    """The component frame's box once the page stops moving it: on a busy machine Streamlit
    still lays out elements above it after its text shows, and a drag aimed at words
    measured before that lands elsewhere."""
    box, deadline = None, page.evaluate("Date.now()") + timeout_ms
    while page.evaluate("Date.now()") < deadline:
        page.wait_for_timeout(300)
        now = frame.frame_element().bounding_box()
        if now == box:
            return now
        box = now
    raise AssertionError("the span selection component kept moving")


def test_add_a_missed_concept_by_selecting_it_with_the_mouse(
    curating_app: tuple[str, Path], artefacts: Path  # noqa: F811
) -> None:
    url, curation = curating_app
    wanted = "sequence transduction"
    with browser_page() as page:
        page.goto(f"{url}/?view=Paper&id={PAPER}", wait_until="domcontentloaded")
        page.get_by_text("Add a missed concept").click()
        frame = span_frame(page)
        abstract = frame.evaluate("() => document.getElementById('text').textContent")
        # where the words are drawn, then a real drag across them
        left, top, right, bottom = frame.evaluate(
            """(wanted) => { const node = document.getElementById('text').firstChild;
                 const at = node.textContent.indexOf(wanted); const r = document.createRange();
                 r.setStart(node, at); r.setEnd(node, at + wanted.length);
                 const rects = r.getClientRects(); const a = rects[0], b = rects[rects.length - 1];
                 return [a.left, a.top, b.right, b.bottom]; }""", wanted)
        box = settled_box(page, frame)
        y = box["y"] + (top + bottom) / 2 if bottom - top < 30 else box["y"] + top + 10
        page.mouse.move(box["x"] + left + 1, y)
        page.mouse.down()
        page.mouse.move(box["x"] + right - 1, y, steps=8)
        page.mouse.up()
        start = abstract.index(wanted)
        page.get_by_text(f"Selected (abstract {start}–{start + len(wanted)})").wait_for(
            timeout=30_000)
        page.get_by_role("button", name=f"Add '{wanted}' to this paper").click()
        page.get_by_text("Recorded").wait_for(timeout=60_000)
        page.screenshot(path=str(artefacts / "curate-added.png"), full_page=True)
        [decision] = in_force(curation)
        assert (decision.action, decision.concept, decision.field, decision.start,
                decision.end) == ("add-mention", wanted, "abstract", start, start + len(wanted))
        page.get_by_role("button", name=wanted.capitalize()).or_(
            page.get_by_role("button", name=wanted)).first.wait_for(timeout=30_000)
        undo_last(page)
        assert in_force(curation) == []


def test_review_queue_keep_then_undo_from_the_list(
    curating_app: tuple[str, Path], artefacts: Path  # noqa: F811
) -> None:
    url, curation = curating_app
    with browser_page() as page:
        page.goto(f"{url}/?view=Review", wait_until="domcontentloaded")
        page.get_by_text("Review queue").wait_for(timeout=60_000)
        keep = page.locator("[class*='st-key-review-keep-']").first
        keep.get_by_role("button", name="Keep").click()
        page.get_by_text("Recorded").wait_for(timeout=60_000)
        [decision] = in_force(curation)
        assert decision.action == "confirm-mention"
        page.screenshot(path=str(artefacts / "curate-review.png"), full_page=True)
        undo = page.locator(f".st-key-review-undo-{decision.id}")
        undo.get_by_role("button", name="Undo").click()
        page.get_by_text("Undone").wait_for(timeout=120_000)
        assert in_force(curation) == []


def test_same_paper_then_undo_in_the_browser(
    curating_app: tuple[str, Path], artefacts: Path  # noqa: F811
) -> None:
    """An identity decision made with the paper page's *Same paper as…*: the two papers are
    rebuilt as one at once (the page follows it), and the undo separates them again."""
    url, curation = curating_app
    gpt3 = "arxiv:2005.14165"
    with browser_page() as page:
        page.goto(f"{url}/?view=Paper&id={PAPER}", wait_until="domcontentloaded")
        page.get_by_text("Curate this paper").click()
        box = page.get_by_label("Same paper as…")
        box.fill("Language Models are Few-Shot Learners")
        box.press("Enter")
        merge = page.get_by_role("button", name="Same paper: merge them")
        merge.wait_for(timeout=30_000)  # shown once a paper matches
        merge.click()
        page.get_by_text("Recorded").wait_for(timeout=120_000)  # merged papers extract again
        page.screenshot(path=str(artefacts / "curate-same-paper.png"), full_page=True)
        [decision] = in_force(curation)
        assert (decision.action, decision.paper, decision.target) == ("same-paper", PAPER, gpt3)
        undo_last(page)
        assert in_force(curation) == []
