"""The case-file format: the validated model, partial dates, cross-field checks, lanes, JSON Schema."""
