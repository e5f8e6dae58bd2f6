"""python -m atc_timeline."""

from atc_timeline.entry import main

main()
