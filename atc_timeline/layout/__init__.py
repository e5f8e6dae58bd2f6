"""Layout: the events frame placed as plain data (lanes, bars, markers, labels); no matplotlib."""
