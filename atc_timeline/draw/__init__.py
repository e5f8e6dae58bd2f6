"""Drawing: a TimelineLayout onto a matplotlib Figure (no pyplot), and the themes it is drawn in."""
