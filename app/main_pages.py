"""Every page of the app, in sidebar order (imported by app/main.py and by kg.app.serve)."""

from __future__ import annotations

from kg.app.views import (
    author,
    concept,
    console,
    export,
    graph,
    overview,
    paper,
    review,
    search,
)

RENDER = {
    "Search": search.render,
    "Graph": graph.render,
    "Paper": paper.render,
    "Concept": concept.render,
    "Author": author.render,
    "Overview": overview.render,
    "Console": console.render,
    "Export": export.render,
    "Review": review.render,
}
