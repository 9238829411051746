"""`python -m kg.cli` = `kg`."""

from kg.cli import main

main()
