"""End to end: `kg app` in a subprocess, driven by headless Chromium through Playwright.

Searches for a concept, opens its graph, counts the nodes of the vis-network inside the
pyvis iframe, clicks a node to re-centre, and saves a screenshot (to docs/screenshot.png
when PAPER_KG_SCREENSHOT=1, as for the README; otherwise under the test's tmp_path).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest

from kg.app.graph_view import TYPE_COLORS
from tests.conftest import ROOT
from tests.servers import free_port
from tests.test_app import PAPERS, write_hand_store

CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOT = ROOT / "docs" / "screenshot.png"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium not installed")


def wait_healthy(url: str, proc: subprocess.Popen[bytes], timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"`kg app` exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError("`kg app` did not answer within {timeout} s")


@pytest.fixture(scope="module")
def app_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    workdir = tmp_path_factory.mktemp("app-browser")
    uri = f"oxigraph:{workdir / 'kg'}"
    write_hand_store(uri)
    port = free_port()
    log = (workdir / "app.log").open("wb")
    proc = subprocess.Popen(
        [sys.executable, "-c", "from kg.cli import main; main()", "app", "--store", uri,
         "--port", str(port)],
        cwd=workdir, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(url, proc)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=15)
        log.close()


def graph_frame(page, timeout: float = 30):  # -> playwright Frame
    """The iframe whose page has a drawn vis network with nodes."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for frame in page.frames:
            if frame == page.main_frame:
                continue
            try:
                if frame.evaluate(
                    "() => typeof network !== 'undefined' && network !== null"
                    " && network.body.data.nodes.length > 0"
                ):
                    return frame
            except Exception:  # frame navigated or still loading
                continue
        page.wait_for_timeout(250)
    raise AssertionError("no vis-network graph appeared")


def test_type_ahead_suggestion_opens_the_concept_page(app_url: str) -> None:
    """A few letters of a concept name, no Enter: a suggestion appears while typing, and
    choosing it opens the concept's page."""
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1100})
            page.goto(app_url, wait_until="domcontentloaded")
            box = page.get_by_label("Papers, concepts and authors")
            box.wait_for(timeout=60_000)
            box.press_sequentially("mixu", delay=80)  # typed, never submitted with Enter
            # by role: the help tooltip keeps a hidden copy of each button in the DOM
            suggestions = page.locator("[class*='st-key-search-suggestions']")
            found = suggestions.get_by_role("button", name="Mixup · concept", exact=True)
            found.wait_for(timeout=30_000)
            suggestions.get_by_role("button", name="Mixup for Vision · paper").wait_for()
            found.click()
            wanted = {"view": ["Concept"], "id": ["concept:mixup"]}
            page.wait_for_url(lambda url: parse_qs(urlparse(url).query) == wanted, timeout=30_000)
            page.get_by_role("heading", name="Mixup", exact=True).wait_for(timeout=30_000)
            page.get_by_text("method · concept:mixup").wait_for(timeout=30_000)
        finally:
            browser.close()


def test_search_graph_click_and_screenshot(app_url: str, tmp_path: Path) -> None:
    shot = SCREENSHOT if os.environ.get("PAPER_KG_SCREENSHOT") == "1" else tmp_path / "app.png"
    sync_api = pytest.importorskip("playwright.sync_api")
    outside: list[str] = []
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1100})

            def only_local(route, request) -> None:
                host = urlparse(request.url).hostname or ""
                if request.url.startswith(("data:", "about:", "blob:")) or host in {
                    "127.0.0.1",
                    "localhost",
                }:
                    route.continue_()
                else:
                    outside.append(request.url)
                    route.abort()

            page.route("**/*", only_local)
            page.goto(app_url, wait_until="domcontentloaded")
            box = page.get_by_label("Papers, concepts and authors")
            box.wait_for(timeout=60_000)
            box.fill("vision")
            box.press("Enter")
            page.get_by_role("button", name="ViT", exact=True).wait_for(timeout=30_000)
            page.get_by_role("button", name="graph").first.wait_for()
            # the "graph" button beside the ViT result
            page.locator("[class*='st-key-search-graph-concept-vit'] button").click()
            frame = graph_frame(page)
            count = frame.evaluate("() => network.body.data.nodes.length")
            ids = frame.evaluate("() => network.body.data.nodes.getIds()")
            assert count == len(ids) >= 7
            assert {"concept:vit", "concept:imagenet", "arxiv:1901.00001"} <= set(ids)
            assert frame.evaluate("() => document.querySelector('canvas') !== null")
            frame.evaluate(
                "() => new Promise(r => { if (!network.physics.options.enabled) r();"
                " network.once('stabilizationIterationsDone', r); setTimeout(r, 5000); })"
            )
            page.wait_for_timeout(500)
            # the drawn dot of a paper has the paper colour (vis groups must not override it)
            rgb = frame.evaluate(
                """() => { const c = document.querySelector('canvas');
                  const p = network.canvasToDOM(
                    network.getPositions(['arxiv:1901.00001'])['arxiv:1901.00001']);
                  const r = window.devicePixelRatio || 1;
                  return Array.from(c.getContext('2d').getImageData(
                    Math.round(p.x * r), Math.round(p.y * r), 1, 1).data).slice(0, 3); }"""
            )
            expected = [int(TYPE_COLORS["paper"][i : i + 2], 16) for i in (1, 3, 5)]
            assert all(abs(a - b) <= 12 for a, b in zip(rgb, expected, strict=True)), rgb
            page.screenshot(path=str(shot), full_page=False)
            assert shot.stat().st_size > 10_000
            # click the ImageNet node: the page must re-centre on it
            x, y = frame.evaluate(
                "() => { const p = network.canvasToDOM("
                "network.getPositions(['concept:imagenet'])['concept:imagenet']);"
                " return [p.x, p.y]; }"
            )
            frame_box = page.locator("iframe").first.bounding_box()
            page.mouse.click(frame_box["x"] + x, frame_box["y"] + y)
            page.wait_for_url(
                lambda url: parse_qs(urlparse(url).query).get("id") == ["concept:imagenet"],
                timeout=30_000,
            )
            frame = graph_frame(page)
            assert frame.evaluate("() => window.paperKgCenter") == "concept:imagenet"
        finally:
            browser.close()
    assert SCREENSHOT.stat().st_size > 10_000
    assert not outside, f"the app tried to reach the network: {outside[:5]}"


def test_graph_of_a_concept_shows_the_papers_about_it(app_url: str) -> None:
    """Transformer's graph, opened by its link, draws every paper about it: the one naming
    it and those naming ViT or BERT, below it (the same papers as papers-by-concept)."""
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1100})
            page.goto(f"{app_url}/?view=Graph&id=concept:transformer",
                      wait_until="domcontentloaded")
            frame = graph_frame(page, timeout=60)
            ids = set(frame.evaluate("() => network.body.data.nodes.getIds()"))
            assert {f"arxiv:{paper[0]}" for paper in PAPERS} <= ids
            assert {"concept:vit", "concept:bert"} <= ids
        finally:
            browser.close()
