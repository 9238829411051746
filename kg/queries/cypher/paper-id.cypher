// paper-id — same rows as paper-id.rq: ids of stored papers (with a title) having this DOI,
// arXiv id or exact title; an empty parameter matches nothing. Sorted.
MATCH (p:Paper)
WHERE p.title IS NOT NULL
  AND (($doi <> '' AND p.doi = $doi) OR ($arxiv <> '' AND p.arxiv_id = $arxiv)
       OR ($title <> '' AND p.title = $title))
RETURN DISTINCT p.id AS paper
ORDER BY paper
