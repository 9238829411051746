"""The Streamlit explorer: `kg app` runs app/main.py; pages live in app/views/.

Rendering helpers (app/graph_view.py) and store access (app/data.py) are plain Python so
that they can be tested without a browser.
"""
