"""Events: a Case flattened into the normalized events DataFrame, and its de-identified form."""
