// The stored papers (with a title) holding one of the DOIs in $ids: key, paper (id).
UNWIND $ids AS key MATCH (p:Paper {doi: key}) WHERE p.title IS NOT NULL
RETURN key, p.id AS paper
