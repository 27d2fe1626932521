"""Build the courseware with Zensical, the successor of Material for MkDocs (`--engine zensical`).

Zensical reads mkdocs.yml and runs Python-Markdown extensions (ours included) but no mkdocs
plugin, so site_builder.build_steps makes the generated pages and navigation into a staged copy
of the docs folder before Zensical builds it, and writes catalogue.json after.
"""
