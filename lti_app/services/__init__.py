"""Application services: work that spans storage and LTI (no Flask views, no templates)."""
