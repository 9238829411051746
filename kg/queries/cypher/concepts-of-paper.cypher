// concepts-of-paper — rows: one per mention (evidence) of each concept the paper $paper (id)
// mentions; a concept linked without evidence gives one row with null field/start/end/
// sentence. role "proposed"|"used"; confidence float; start/end integer offsets into the
// paper's `field` ("title"|"abstract"). Order: concept id, field, start, end (all ASC).
MATCH (p:Paper {id: $paper})-[m:MENTIONS]->(c:Concept)
UNWIND CASE WHEN size(coalesce(m.starts, [])) = 0 THEN [null]
            ELSE range(0, size(m.starts) - 1) END AS i
RETURN c.id AS concept, coalesce(c.name, c.id) AS name, c.type AS type, m.role AS role,
       m.confidence AS confidence, m.fields[i] AS field, m.starts[i] AS start,
       m.ends[i] AS `end`, m.sentences[i] AS sentence
ORDER BY concept, field, start, `end`
