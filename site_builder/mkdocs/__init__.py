"""The thin mkdocs adapter: plugin, generated pages and nav, and a strict build.

Absolute imports only: ``import mkdocs`` inside this package is mkdocs itself.
"""
