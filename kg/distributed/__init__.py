"""`kg export-bulk --dask`: the ingest → merge → extract → bulk files flow as a Dask job.

The same graph as one machine, computed on a cluster: every input file is read by its own
task; duplicate records are found by a shuffle on their identity keys and merged with the
rules of kg/merge.py; author identities and reference aliases are distributed joins; spaCy
runs per partition with the pipeline loaded once per worker; co-occurrence, concept counts
and rankings (kg/derived.py) are distributed reductions. Every partition writes its own part
files (kg/distributed/parts.py) with the triples and rows of kg/mapping/. Needs the optional
extra ``pip install paper-kg[dask]``; nothing here is imported unless ``--dask`` is given.

Modules: cluster (which scheduler), records (reading), merging (duplicates, identities,
aliases), concepts (extraction, coined concepts), figures (derived figures), parts (files),
job (the whole flow).
"""
