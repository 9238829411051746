// Every paper of the store (as counts() counts them: with a title): id, title. `kg export
// --all` adds the papers no edge reaches (no author, concept or citation) to the store's edges.
MATCH (p:Paper) WHERE p.title IS NOT NULL
RETURN p.id AS id, p.title AS title
ORDER BY id
