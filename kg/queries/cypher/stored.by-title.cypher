// The stored papers with one of the titles in $ids, exactly: key, paper (id).
UNWIND $ids AS key MATCH (p:Paper {title: key})
RETURN key, p.id AS paper
