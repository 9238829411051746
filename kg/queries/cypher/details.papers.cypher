// The fields of the papers whose ids are in $ids (kg/details.py, batched).
UNWIND $ids AS id MATCH (n:Paper {id: id}) WHERE n.title IS NOT NULL
RETURN n.id AS id, n.title AS title, n.abstract AS abstract, n.year AS year, n.date AS date,
       n.doi AS doi, n.arxiv_id AS arxiv_id, n.venue AS venue, n.entry_type AS entry_type,
       n.url AS url, n.curated_by AS curated_by, n.curated_at AS curated_at
