// The stored papers (with a title) holding one of the arXiv ids in $ids: key, paper (id).
UNWIND $ids AS key MATCH (p:Paper {arxiv_id: key}) WHERE p.title IS NOT NULL
RETURN key, p.id AS paper
