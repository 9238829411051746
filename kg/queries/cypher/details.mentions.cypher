// The MENTIONS of the papers in $ids, with role and confidence and the first evidence
// (kg.details keeps those of the concepts asked for).
UNWIND $ids AS id MATCH (p:Paper {id: id})-[m:MENTIONS]->(c:Concept)
RETURN p.id AS paper, c.id AS concept, m.role AS role, m.confidence AS confidence,
       m.fields[0] AS field, m.sentences[0] AS sentence, m.curated_by AS curated_by,
       m.curated_at AS curated_at
