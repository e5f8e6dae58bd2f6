"""What leans on matplotlib internals: fonts, text metrics, the fast glyph canvas, the quick import.

matplotlib's private API is used only here, each use behind a check with matplotlib's public
behaviour as the fallback (tests in tests/mpl force each fallback):

- agg_text.GLYPH_CALLS: FT2Font._set_transform/_render_glyph, ft2font.RenderMode and the Agg
  renderer's _renderer.draw_text_image (3.11+) draw cached glyphs; without them (3.10),
  FastTextCanvas is matplotlib's own Agg canvas.
- agg_text.HEIGHT_METRICS: the renderer answers Text's _get_font_height_metrics (3.11+) from a
  cache; off, or on a matplotlib that does not ask, Text reads the font tables itself.
- fast_import: Artist._update_set_signature_and_docstring, replaced only in the command line's
  process (enable_for_command_line); a matplotlib without it imports as usual.

Public replacements for what was private: fonts.font_paths (fontManager._find_fonts_by_props),
agg_text.raw_rgba (fig.canvas.renderer's size). rc.drawing_rc makes rcParams changes safe for
threads; fonts.weight_fallbacks_unlogged keeps matplotlib's bold-fallback log quiet while drawing.
"""
