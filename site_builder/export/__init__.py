"""Files the build writes for other programs: catalogue.json for the LTI tool (and, later,
course packages). Readers depend on these files, never on this package."""
