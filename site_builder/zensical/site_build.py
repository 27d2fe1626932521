"""`intervision build --engine zensical`: stage the project, let Zensical build it strictly,
then write catalogue.json, as the mkdocs plugin does after a Material build."""

from __future__ import annotations

import contextlib
import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml

from site_builder.build_steps.course_step import load_course_step
from site_builder.course.errors import CourseValidationError
from site_builder.course.translation_files import translation_languages
from site_builder.export.catalogue import page_url
from site_builder.mkdocs.site_build import BuildFailed
from site_builder.zensical.kit_pdfs import write_kit_pdfs
from site_builder.zensical.staging import stage

__all__ = ["BuildFailed", "build_site_zensical"]


def build_site_zensical(
    config_file: Path, site_dir: Path | None = None, languages: Sequence[str] | None = None
) -> Path:
    """Build into site_dir (or the configured one) with Zensical; returns the site folder.

    One build per language, as the Material build: the source language into site_dir, each
    translation (or those in `languages`) into site_dir/<lang>/."""
    try:
        import zensical
    except ImportError:
        raise BuildFailed(
            "Zensical is not installed: pip install 'zensical==0.0.73' (see docs/authoring.md, "
            "Building with Zensical), or build with the default engine, --engine material"
        ) from None
    config_path = config_file.resolve()
    config = _read_config(config_path)
    project_dir = config_path.parent
    docs_dir = (project_dir / str(config.get("docs_dir", "docs"))).resolve()
    target = (site_dir or project_dir / str(config.get("site_dir", "site"))).resolve()
    source = str((config.get("theme") or {}).get("language") or "en")
    every = [source, *(x for x in translation_languages(docs_dir) if x != source)]
    unknown = [language for language in languages or () if language not in every]
    if unknown:
        raise BuildFailed(
            f"no translation for {', '.join(unknown)}: the languages of this course are "
            f"{', '.join(every)} (a language is a content/translations/<lang>/ folder)"
        )
    for language in every:
        if languages is None or language in languages:
            out = target if language == source else target / language
            _build_language(zensical, config, project_dir, docs_dir, out, language)
    return target


def _build_language(
    zensical: Any,
    config: dict[str, Any],
    project_dir: Path,
    docs_dir: Path,
    target: Path,
    language: str,
) -> None:
    """One language's site: staged, built strictly, moved to target, its catalogue.json."""
    try:
        step = load_course_step(docs_dir, language=language)
    except CourseValidationError as exc:
        raise BuildFailed(str(exc)) from None
    with tempfile.TemporaryDirectory(prefix="intervision-zensical-") as folder:
        staged = stage(config, project_dir, step, Path(folder))
        try:
            with contextlib.chdir(staged.root):
                zensical.build(str(staged.config_file), {"strict": True, "clean": True})
        except RuntimeError as exc:
            raise BuildFailed(
                f"Zensical stopped: {exc}. The warnings above say what to fix."
            ) from None
        kit = _plugin_options(config, "intervision-kit")
        if staged.cards and kit.get("pdf", True):
            write_kit_pdfs(
                staged.site_dir,
                staged.cards,
                dict(step.course.methods),
                staged.config,
                use_cache=bool(kit.get("cache", True)),
            )
        if target.exists():  # the source language's: its translations' sites come next
            shutil.rmtree(target)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(staged.site_dir, target)
    use_directory_urls = bool(config.get("use_directory_urls", True))
    pages = set(staged.pages)

    def url_for(src_uri: str) -> str:
        if src_uri not in pages:
            raise BuildFailed(f"catalogue.json: no page for {src_uri}")
        return page_url(src_uri, use_directory_urls)

    step.write_catalogue(target, url_for)


def _plugin_options(config: dict[str, Any], name: str) -> dict[str, Any]:
    """A plugin's options in mkdocs.yml ('- name' or '- name: {...}'), {} when it has none."""
    for entry in config.get("plugins") or []:
        if isinstance(entry, dict) and name in entry:
            return dict(entry[name] or {})
    return {}


def _read_config(config_path: Path) -> dict[str, Any]:
    if not config_path.is_file():
        raise BuildFailed(
            f"{config_path} does not exist; run from the project folder or pass "
            "--config-file path/to/mkdocs.yml"
        )
    try:
        config = yaml.safe_load(config_path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise BuildFailed(f"{config_path} is not valid YAML: {exc}") from None
    if not isinstance(config, dict):
        raise BuildFailed(f"{config_path} must be a mapping of settings")
    return config
