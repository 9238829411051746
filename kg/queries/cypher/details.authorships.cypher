// The authors of the papers in $ids, in order (position 1-based).
UNWIND $ids AS id MATCH (p:Paper {id: id})-[r:AUTHORED_BY]->(a:Author)
RETURN p.id AS paper, a.id AS author, a.name AS name, r.position AS position
ORDER BY paper, position
