// The authors of the papers in $ids with their position (1-based); kg.details.authorships
// puts them in order.
UNWIND $ids AS id MATCH (p:Paper {id: id})-[r:AUTHORED_BY]->(a:Author)
RETURN p.id AS paper, a.id AS author, a.name AS name, r.position AS position
