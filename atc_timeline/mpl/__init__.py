"""What leans on matplotlib internals: fonts, text metrics, the fast glyph canvas, the quick import."""
