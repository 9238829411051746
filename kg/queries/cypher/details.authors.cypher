// The names of the authors in $ids.
UNWIND $ids AS id MATCH (a:Author {id: id}) RETURN a.id AS id, a.name AS name
