// The many-valued fields of the papers in $ids, one value a row, as stored.values.rq (the
// cited paper by its id; Neo4j keeps no external ids).
UNWIND $ids AS id MATCH (p:Paper {id: id}) UNWIND coalesce(p.keywords, []) AS value
RETURN p.id AS paper, 'keyword' AS kind, value
UNION ALL
UNWIND $ids AS id MATCH (p:Paper {id: id}) UNWIND coalesce(p.categories, []) AS value
RETURN p.id AS paper, 'category' AS kind, value
UNION ALL
UNWIND $ids AS id MATCH (p:Paper {id: id}) UNWIND coalesce(p.sources, []) AS value
RETURN p.id AS paper, 'source' AS kind, value
UNION ALL
UNWIND $ids AS id MATCH (p:Paper {id: id})-[:CITES]->(q:Paper)
RETURN p.id AS paper, 'reference' AS kind, q.id AS value
