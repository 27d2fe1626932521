"""The course model and loading `content/`: every check, every error with file, line and fix.

No mkdocs import, no HTML: the Markdown extension, the plugin and the exporters build on this.
"""
