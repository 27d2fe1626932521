"""The trainer kit: printable phase and role cards per method, generated from the same
`content/methods/*.yml` that drives the method pages and the LTI exercises, and their PDFs."""
