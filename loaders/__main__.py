"""`python -m loaders` runs the boligmon CLI."""

from loaders.cli import main

main()
