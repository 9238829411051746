// cooccurs-among — same rows as cooccurs-among.rq: the CO_OCCURS pairs between concepts
// from $ids to $among, concept_a < concept_b, weight = papers mentioning both.
UNWIND $ids AS id
MATCH (a:Concept {id: id})-[r:CO_OCCURS]-(b:Concept)
WHERE a.id < b.id AND b.id IN $among
RETURN a.id AS concept_a, b.id AS concept_b, r.weight AS weight
