"""Engine-neutral build steps: what the courseware adds to a site, whichever engine builds it.

The mkdocs plugin (site_builder.mkdocs.plugin) and the Zensical adapter (site_builder.zensical)
both call these; neither makes a page, the navigation or catalogue.json on its own.
"""
