// The value of the store setting $name (GraphStore.write_setting), if any.
MATCH (s:StoreSetting {id: $name}) RETURN s.value AS value
