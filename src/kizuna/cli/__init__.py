"""The `kizuna` command line: thin Typer commands, one module per domain."""
