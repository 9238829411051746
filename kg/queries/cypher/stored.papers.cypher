// Every single-valued field of the papers in $ids (kg/stored.py), as stored.papers.rq.
UNWIND $ids AS id MATCH (n:Paper {id: id}) WHERE n.title IS NOT NULL
RETURN n.id AS id, n.title AS title, n.abstract AS abstract, n.year AS year, n.date AS date,
       n.updated AS updated, n.doi AS doi, n.arxiv_id AS arxiv_id, n.venue AS venue,
       n.entry_type AS entry_type, n.url AS url, n.upvotes AS upvotes,
       n.n_authors AS n_authors, n.curated_by AS curated_by, n.curated_at AS curated_at
