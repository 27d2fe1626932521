"""The courseware builder: `content/` (Markdown + YAML) → a mkdocs site and `site/catalogue.json`.

Four sub-packages, each owning one job; dependencies point down this list only, except
``course.body_checks``, which parses the module body with ``markdown.blocks`` (lazily):

- ``course/``: the course model (frozen dataclasses) and everything that loads and checks
  `content/` (course.yml, methods/*.yml, modules/*.md, links, prerequisites) and reports every
  error with file, line and a fix; ``new_module`` scaffolds a module in the same layout.
- ``markdown/``: the courseware blocks (self-checks, reflections, activities, method
  timelines), their HTML, inline rendering, the Python-Markdown extension (``markdown_ext``)
  and ``search_shield``, which keeps excluded blocks out of the search index.
- ``mkdocs/``: the thin mkdocs adapter: the plugin, the generated pages and nav sections,
  and ``site_build`` (a strict build of a mkdocs.yml).
- ``export/``: what leaves the build for other programs: ``catalogue`` (catalogue.json for
  the LTI tool); course packages go here too.

``cli`` and ``__main__`` are the `intervision` / `python -m site_builder` course commands.
Nothing here imports ``lti_app``.
"""
