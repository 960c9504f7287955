"""``python -m kizuna`` runs the command line."""

from kizuna.cli.main import app

app(prog_name="kizuna")
