"""``python -m exclusionscreen`` runs the command line."""

from .cli import main

main()
