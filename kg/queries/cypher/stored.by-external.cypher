// The stored papers holding one of the external ids in $ids: Neo4j keeps no external ids
// (kg/mapping/neo4j.py), so none; a citation by one is resolved within its build only.
UNWIND $ids AS key WITH key WHERE false
RETURN key, key AS paper
