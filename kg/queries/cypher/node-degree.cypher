// node-degree — same row as node-degree.rq: edges, the number of relationships touching
// the node (AUTHORED_BY, MENTIONS, CITES between corpus papers — cited papers outside the
// corpus have no title — BROADER, CO_OCCURS), 0 if none.
OPTIONAL MATCH (n {id: $node})-[r:AUTHORED_BY|MENTIONS|CITES|BROADER|CO_OCCURS]-(m)
WHERE m.id IS NOT NULL AND NOT (m:Paper AND m.title IS NULL)
RETURN count(r) AS edges
