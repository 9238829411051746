// mention-evidence — as mention-evidence.rq, the first evidence (title before abstract)
// of each mention of a concept of $concepts by a paper of $ids: paper, concept, field,
// sentence.
UNWIND $ids AS id
MATCH (p:Paper {id: id})-[m:MENTIONS]->(c:Concept)
WHERE c.id IN $concepts
RETURN p.id AS paper, c.id AS concept, m.fields[0] AS field, m.sentences[0] AS sentence
