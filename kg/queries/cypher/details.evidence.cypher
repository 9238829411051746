// details.evidence — as details.evidence.rq, for the first evidence (title before abstract)
// of each mention by a paper of $ids (the relationship keeps its
// evidence as lists): paper, concept, field, start, sentence.
UNWIND $ids AS id
MATCH (p:Paper {id: id})-[m:MENTIONS]->(c:Concept)
RETURN p.id AS paper, c.id AS concept, m.fields[0] AS field, m.starts[0] AS start,
       m.sentences[0] AS sentence
