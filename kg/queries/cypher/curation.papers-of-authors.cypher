// The papers whose authors include one of $ids (the papers an author decision rewrites).
UNWIND $ids AS id MATCH (p:Paper)-[:AUTHORED_BY]->(:Author {id: id})
RETURN DISTINCT p.id AS paper
