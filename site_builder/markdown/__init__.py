"""Courseware blocks in module Markdown: parsing, HTML, and the Python-Markdown extension.

Absolute imports only: ``import markdown`` inside this package is Python-Markdown itself.
"""
