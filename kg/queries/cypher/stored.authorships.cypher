// The authors of the papers in $ids with their position, as stored.authorships.rq (Neo4j
// keeps no ORCID or affiliations: the author id may hold the ORCID).
UNWIND $ids AS id MATCH (p:Paper {id: id})-[r:AUTHORED_BY]->(a:Author)
RETURN p.id AS paper, a.id AS author, a.name AS name, r.position AS position,
       null AS orcid, null AS affiliation
