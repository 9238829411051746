// The papers citing one of the papers in $ids (an identity decision changes what they cite).
UNWIND $ids AS id MATCH (p:Paper)-[:CITES]->(:Paper {id: id}) WHERE p.title IS NOT NULL
RETURN DISTINCT p.id AS paper
