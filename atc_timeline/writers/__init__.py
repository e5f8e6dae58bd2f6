"""Writers: figure bytes (PNG, SVG, PDF), the PowerPoint deck, summary tables and atomic file writes."""
