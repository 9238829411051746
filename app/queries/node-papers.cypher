// node-papers — same rows as node-papers.rq: id, papers = distinct papers mentioning the
// concept / written by the author, for the concept and author ids in $ids.
UNWIND $ids AS id
MATCH (p:Paper)-[:MENTIONS]->(c:Concept {id: id})
RETURN id, count(DISTINCT p) AS papers
UNION ALL
UNWIND $ids AS id
MATCH (p:Paper)-[:AUTHORED_BY]->(a:Author {id: id})
RETURN id, count(DISTINCT p) AS papers
