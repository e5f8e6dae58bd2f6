"""python -m atc_timeline."""

from atc_timeline.cli import main

main()
