"""End to end: `kg app` in a subprocess, driven by headless Chromium through Playwright.

One test per point of the explorer (search, graph, state in the URL, pages, console, store
handling, landing page). Screenshots are kept as test artefacts in tmp/artefacts (not
committed); with PAPER_KG_SCREENSHOT=1 the hub graph and the concept page are written to
docs/ for the README.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest

from kg.app.graph_view import TYPE_COLORS
from tests.conftest import ROOT
from tests.servers import free_port
from tests.test_app import PAPERS, write_hand_store

CHROMIUM = Path("/usr/bin/chromium")
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


@contextmanager
def serve_app(uri: str, workdir: Path, *extra: str) -> Iterator[str]:
    """`kg app --store URI` in a subprocess (its log in workdir/app.log); yields its URL."""
    port = free_port()
    log = (workdir / "app.log").open("wb")
    proc = subprocess.Popen(
        [sys.executable, "-c", "from kg.cli import main; main()", "app", "--store", uri,
         "--port", str(port), *extra],
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


@pytest.fixture(scope="module")
def app_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    workdir = tmp_path_factory.mktemp("app-browser")
    uri = f"oxigraph:{workdir / 'kg'}"
    write_hand_store(uri)
    with serve_app(uri, workdir) as url:
        yield url


@pytest.fixture(scope="session")
def artefacts() -> Path:
    """Where the browser tests keep their screenshots (tmp/artefacts, not committed)."""
    path = ROOT / "tmp" / "artefacts"
    path.mkdir(parents=True, exist_ok=True)
    return path


@contextmanager
def browser_page(width: int = 1400, height: int = 1100) -> Iterator[Any]:
    """A headless Chromium page (Playwright)."""
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            yield browser.new_page(viewport={"width": width, "height": height})
        finally:
            browser.close()


def query_of(url: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlparse(url).query).items()}


def click_node(page: Any, frame: Any, node: str) -> None:
    """Click a node of the drawn graph where the canvas shows it."""
    x, y = frame.evaluate(
        "(id) => { const p = network.canvasToDOM(network.getPositions([id])[id]);"
        " return [p.x, p.y]; }",
        node,
    )
    frame_box = page.locator("iframe").first.bounding_box()
    page.mouse.click(frame_box["x"] + x, frame_box["y"] + y)


def hops_shown(page: Any) -> str | None:
    """The value the Hops slider shows."""
    slider = page.locator(".st-key-graph-hops input[type='range']")
    slider.wait_for(state="attached", timeout=30_000)
    return slider.input_value()


def settle(frame: Any) -> None:
    """Wait until the layout has stopped moving (physics off after stabilisation)."""
    frame.evaluate(
        "() => new Promise(r => { if (!network.physics.options.enabled) r();"
        " network.once('stabilizationIterationsDone', r); setTimeout(r, 5000); })"
    )


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
            found = suggestions.get_by_role("button", name="Mixup · 2 papers · concept", exact=True)
            found.wait_for(timeout=30_000)
            suggestions.get_by_role("button", name="Mixup for Vision · paper").wait_for()
            found.click()
            wanted = {"view": "Concept", "id": "concept:mixup"}
            page.wait_for_url(lambda url: query_of(url).items() >= wanted.items(),
                              timeout=30_000)
            page.get_by_role("heading", name="Mixup", exact=True).wait_for(timeout=30_000)
            page.get_by_text("method · concept:mixup").wait_for(timeout=30_000)
        finally:
            browser.close()


def readme_shot(artefacts: Path, name: str) -> Path:
    """Where a screenshot the README shows goes: docs/ when PAPER_KG_SCREENSHOT=1."""
    folder = ROOT / "docs" if os.environ.get("PAPER_KG_SCREENSHOT") == "1" else artefacts
    return folder / name


def test_search_graph_click_and_screenshot(app_url: str, artefacts: Path) -> None:
    shot = artefacts / "search-graph.png"
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
            page.get_by_role("button", name="ViT · 3 papers", exact=True).wait_for(timeout=30_000)
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


def test_node_click_keeps_hops_and_filters_and_back_returns(
    app_url: str, artefacts: Path
) -> None:
    """A graph opened at hops 2 without authors: a node click re-centres and keeps both;
    the back button returns to the previous centre, still at hops 2."""
    with browser_page() as page:
        page.goto(f"{app_url}/?view=Graph&id=concept:vit&hops=2&types=paper,architecture,"
                  "benchmark,method", wait_until="domcontentloaded")
        frame = graph_frame(page, timeout=60)
        settle(frame)
        page.wait_for_timeout(300)
        click_node(page, frame, "concept:imagenet")
        page.wait_for_url(lambda url: query_of(url).get("id") == "concept:imagenet",
                          timeout=30_000)
        frame = graph_frame(page, timeout=60)
        assert frame.evaluate("() => window.paperKgCenter") == "concept:imagenet"
        query = query_of(page.url)
        assert query["hops"] == "2" and query["view"] == "Graph"
        assert query["types"] == "paper,architecture,benchmark,method"
        assert hops_shown(page) == "2"
        ids = frame.evaluate("() => network.body.data.nodes.getIds()")
        assert not [n for n in ids if n.startswith("name:")]  # authors still filtered out
        page.screenshot(path=str(artefacts / "url-state-after-click.png"))
        page.go_back()
        page.wait_for_url(lambda url: query_of(url).get("id") == "concept:vit", timeout=30_000)
        assert query_of(page.url)["hops"] == "2"
        page.wait_for_timeout(1000)
        frame = graph_frame(page, timeout=60)
        assert frame.evaluate("() => window.paperKgCenter") == "concept:vit"
        assert hops_shown(page) == "2"


def test_unknown_id_or_view_shows_not_found(app_url: str, artefacts: Path) -> None:
    with browser_page() as page:
        for query, says in (("view=Concept&id=concept:does-not-exist", "no concept"),
                            ("view=Nonsense&id=%00%ff", "no page called 'Nonsense'")):
            page.goto(f"{app_url}/?{query}", wait_until="domcontentloaded")
            page.get_by_role("heading", name="Not found").wait_for(timeout=60_000)
            page.get_by_text(says).wait_for(timeout=10_000)
            assert query_of(page.url)["view"] == query_of(f"?{query}")["view"]
        page.screenshot(path=str(artefacts / "not-found.png"))


def test_store_without_papers_says_no_graph_here_and_stays_unchanged(
    tmp_path: Path, artefacts: Path
) -> None:
    from kg.stores import open_store
    from tests.test_app import files_of

    store = tmp_path / "kg"
    open_store(f"oxigraph:{store}").close()
    before = files_of(store)
    with serve_app(f"oxigraph:{store}", tmp_path) as url, browser_page() as page:
        page.goto(url, wait_until="domcontentloaded")
        page.get_by_text("No graph here").wait_for(timeout=60_000)
        assert "kg build" in page.get_by_text("No graph here").inner_text()
        page.screenshot(path=str(artefacts / "no-graph-here.png"))
    assert files_of(store) == before


@pytest.fixture(scope="module")
def seed_app_url(seeds_store: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`kg app` (read-only, its default) on the seed pages built as `kg build` builds them
    (219 papers, a hub: Transformer)."""
    with serve_app(seeds_store, tmp_path_factory.mktemp("app-seeds")) as url:
        yield url


READY = "() => window.paperKgReady === true"
DRAWN = """() => {
  const scale = network.getScale(), canvas = document.querySelector('canvas');
  const box = canvas.getBoundingClientRect();
  return network.body.nodeIndices.map(id => {
    const node = network.body.nodes[id];
    const p = network.canvasToDOM({x: node.x, y: node.y});
    return {id: id, px: node.options.font.size * scale,
            inside: p.x >= 0 && p.y >= 0 && p.x <= box.width && p.y <= box.height};
  });
}"""


def test_hub_graph_shows_papers_and_readable_labels(seed_app_url: str, artefacts: Path) -> None:
    """Transformer's graph on the seed-page store: papers in view, labels drawn at least
    10 px high at the first zoom, clusters that mean something, a legend for them."""
    with browser_page(1400, 1600) as page:
        page.goto(f"{seed_app_url}/?view=Graph&id=concept:transformer",
                  wait_until="domcontentloaded")
        frame = graph_frame(page, timeout=90)
        frame.wait_for_function(READY, timeout=60_000)
        page.screenshot(path=str(readme_shot(artefacts, "hub-graph.png")))
        nodes = frame.evaluate(DRAWN)
        papers = [n for n in nodes if n["id"].split(":")[0] in {"title", "arxiv", "doi"}]
        assert papers and any(n["inside"] for n in papers)
        top = frame.evaluate("() => window.paperKgTop")
        assert top[0] == "concept:transformer"
        labelled = [n for n in nodes if n["inside"] and n["px"] >= 10]
        # how many of the top concepts fit on screen readable depends on the seed graph's
        # layout (4-6 with the extraction of 2026-12-05, 2 with that of 2026-12-06): the
        # hub and the next one the fit leads with are in view and drawn readable
        assert len(labelled) >= 2
        by_id = {n["id"]: n for n in nodes}
        assert by_id["concept:transformer"]["px"] >= 10
        shown = [n for n in top[:9] if by_id.get(n, {}).get("inside")]
        assert len(shown) >= 2 and all(by_id[n]["px"] >= 10 for n in shown[:2])
        legend = page.get_by_text("Louvain communities")
        legend.wait_for(timeout=10_000)
        sizes = page.get_by_text("papers mentioning a concept")
        assert sizes.count() >= 1


def thousand_node_graph() -> Any:
    """A hub, 299 concepts and 700 papers each mentioning the hub and three concepts."""
    import random

    import networkx as nx

    from kg.graph import add_edge

    rng = random.Random(3)
    g = nx.MultiDiGraph()
    g.add_node("concept:hub", kind="concept", label="Hub", type="architecture")
    concepts = [f"concept:c{i:03}" for i in range(299)]
    for i, c in enumerate(concepts):
        g.add_node(c, kind="concept", label=f"Concept number {i}", type="method")
    for i in range(700):
        paper = f"arxiv:2401.{i:05}"
        g.add_node(paper, kind="paper", label=f"A paper about things, part {i}", year=2024)
        add_edge(g, paper, "concept:hub", "MENTIONS")
        for c in rng.sample(concepts, 3):
            add_edge(g, paper, c, "MENTIONS")
    return g


def test_thousand_node_view_stays_interactive(tmp_path: Path, artefacts: Path) -> None:
    """1,000 nodes drawn: the layout settles, and a zoom redraws fast enough to follow the
    mouse (under 150 ms in software-rendering headless Chromium on a shared machine; physics
    is off once settled)."""
    from kg.app.graph_view import build_view, render_html

    g = thousand_node_graph()
    papers = {n: 1 + int(n[-3:]) % 40 for n in g if n.startswith("concept:c")}
    view = build_view(g, "concept:hub", max_nodes=1000, papers=papers, mode="top")
    assert view.graph.number_of_nodes() == 1000
    path = tmp_path / "thousand.html"
    path.write_text(render_html(view, 800), "utf-8")
    with browser_page(1400, 900) as page:
        started = time.monotonic()
        page.goto(path.as_uri())
        page.wait_for_function(READY, timeout=120_000)
        settled = time.monotonic() - started
        redraw_ms = page.evaluate("""() => {
          const t0 = performance.now();
          for (let i = 0; i < 10; i++) {
            network.moveTo({scale: network.getScale() * (i % 2 ? 1.25 : 0.8)});
            network.renderer._redraw();  // the draw itself, synchronously
          }
          return (performance.now() - t0) / 10; }""")
        assert not page.evaluate("() => network.physics.options.enabled")
        page.screenshot(path=str(artefacts / "thousand-nodes.png"))
    print(f"1,000 nodes: settled in {settled:.1f} s, a redraw takes {redraw_ms:.0f} ms")
    assert redraw_ms < 150
    assert settled < 60


def test_concept_page_pages_papers_with_evidence(seed_app_url: str, artefacts: Path) -> None:
    """Transformer's page opened on its second page of papers (from the URL): 20 papers,
    each with its evidence sentence; the next page button moves the URL on."""
    with browser_page(1400, 1600) as page:
        page.goto(f"{seed_app_url}/?view=Concept&id=concept:transformer&page=2",
                  wait_until="domcontentloaded")
        page.get_by_text("papers 21–40 of").wait_for(timeout=60_000)
        about = page.locator("[class*='st-key-concept-about-']")
        page.get_by_text("Co-occurring concepts").wait_for(timeout=30_000)  # all drawn
        assert about.count() == 20
        page.get_by_text("dated papers;").wait_for()
        assert page.get_by_text(" · abstract: “").count() + page.get_by_text(
            " · title: “").count() >= 20
        page.screenshot(path=str(readme_shot(artefacts, "concept-page.png")))
        box = page.locator(".st-key-concept-papers-page input")
        box.click()
        box.press("Control+a")
        box.press_sequentially("3")  # typed as a person would (fill skips React's events)
        box.press("Enter")
        page.get_by_text("papers 41–60 of").wait_for(timeout=30_000)
        page.wait_for_url(lambda url: query_of(url).get("page") == "3", timeout=30_000)


def test_search_shows_paper_counts_most_first(seed_app_url: str, artefacts: Path) -> None:
    with browser_page() as page:
        page.goto(seed_app_url, wait_until="domcontentloaded")
        box = page.get_by_label("Papers, concepts and authors")
        box.wait_for(timeout=60_000)
        box.press_sequentially("trans", delay=60)
        suggestions = page.locator("[class*='st-key-search-suggestions'] button")
        suggestions.first.wait_for(timeout=30_000)
        page.get_by_text("All matches").wait_for(timeout=30_000)
        labels = [t for t in suggestions.all_inner_texts() if "· concept" in t]
        counts = [int(t.split(" · ")[-2].split()[0]) for t in labels]
        assert len(counts) >= 3 and counts == sorted(counts, reverse=True)
        page.screenshot(path=str(artefacts / "search.png"))


def test_console_cross_join_stops_at_the_timeout(
    tmp_path: Path, artefacts: Path
) -> None:
    """`kg app --query-timeout 3`: a cross join is stopped after 3 s with a message about
    the query; a mixed-type result shows; the server log holds no traceback."""
    from tests.test_app import CROSS_JOIN

    uri = f"oxigraph:{tmp_path / 'kg'}"
    write_hand_store(uri)
    with serve_app(uri, tmp_path, "--query-timeout", "3") as url, browser_page() as page:
        page.goto(f"{url}/?view=Console", wait_until="domcontentloaded")
        box = page.locator(".st-key-console-text textarea")
        box.wait_for(timeout=60_000)
        box.fill(CROSS_JOIN)
        started = time.monotonic()
        page.get_by_role("button", name="Run").click()
        page.get_by_text("the query was stopped after 3 s").wait_for(timeout=30_000)
        assert time.monotonic() - started < 20
        page.screenshot(path=str(artefacts / "console-timeout.png"))
        box.fill('SELECT * WHERE { ?p <http://purl.org/dc/terms/title> ?t . '
                 'BIND(IF(CONTAINS(?t, "Vision"), 1, "no") AS ?mixed) }')
        page.get_by_role("button", name="Run").click()
        page.get_by_text("5 rows").wait_for(timeout=30_000)
        page.wait_for_timeout(1000)
    log = (tmp_path / "app.log").read_text("utf-8", "replace")
    assert "Traceback" not in log, log[-2000:]


def test_landing_page_counts_and_starting_points(
    examples_store: str, tmp_path: Path, artefacts: Path
) -> None:
    """On the example store: counts, top concepts and newest papers, on a first visit and
    on a reload (times printed; benchmarks/bench_app_paint.py measures them)."""
    timings = []
    with serve_app(examples_store, tmp_path) as url, browser_page() as page:
        for _ in range(2):
            started = time.monotonic()
            page.goto(url, wait_until="commit")
            page.get_by_label("Papers, concepts and authors").wait_for(timeout=60_000)
            page.locator("[class*='st-key-start-p-']").first.wait_for(timeout=60_000)
            timings.append(time.monotonic() - started)
        assert page.get_by_text("papers ·").count() >= 1
        assert page.locator("[class*='st-key-start-c-']").count() == 10
        assert page.locator("[class*='st-key-start-p-']").count() == 10
        page.screenshot(path=str(artefacts / "landing.png"))
    print(f"landing page: first visit {timings[0]:.2f} s, then {timings[1]:.2f} s")
