"""Run a strict mkdocs build of the project's mkdocs.yml: the engine behind `intervision build`.

One build per language: the source language (mkdocs.yml's theme.language) at the site root,
each `content/translations/<lang>/` into `<site>/<lang>/` (see site_builder/mkdocs/languages.py).
"""

from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from site_builder.mkdocs.languages import localise, site_languages


class BuildFailed(Exception):
    """The build could not run or was aborted; the message says why."""


def build_site(
    config_file: Path, site_dir: Path | None = None, languages: Sequence[str] | None = None
) -> Path:
    """Build into site_dir (or the configured one) and return where the site was written.

    `languages`: which to build (default: the source language and every translation present);
    the source language fills the site root, every other one `<site>/<lang>/`.

    Runs from the folder of mkdocs.yml, because paths in it (docs_dir, the extension's
    content_dir) are meant relative to the project, whatever the caller's working directory.
    """
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException

    config_path = config_file.resolve()
    if not config_path.is_file():
        raise BuildFailed(
            f"{config_file} does not exist; run from the project folder or pass "
            "--config-file path/to/mkdocs.yml"
        )
    overrides: dict[str, Any] = {"strict": True}
    if site_dir is not None:
        overrides["site_dir"] = str(site_dir.resolve())
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    errors = _ErrorCollector()
    logger = logging.getLogger("mkdocs")
    logger.addHandler(errors)
    try:
        with contextlib.chdir(config_path.parent):
            config = load_config(str(config_path), **overrides)
            root = Path(config.site_dir)
            every, chosen = site_languages(config, languages)
            for language in chosen:
                if language != every[0]:  # a fresh config: plugins start from nothing
                    language_overrides = {**overrides, "site_dir": str(root / language)}
                    config = load_config(str(config_path), **language_overrides)
                localise(config, language, every[0])
                build(config)
    except MkDocsException as exc:
        raise BuildFailed(_describe(exc, errors.messages)) from None
    except OSError as exc:
        raise BuildFailed(f"the build could not write or read a file: {exc}") from None
    finally:
        logger.removeHandler(errors)
    return root


class _ErrorCollector(logging.Handler):
    """mkdocs logs a plugin's error and raises a bare 'Aborted with a BuildError!': keep the
    logged text, because it is the part that tells the author what to fix."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def _describe(exc: Exception, logged_errors: list[str]) -> str:
    if logged_errors:
        return "\n".join(logged_errors)
    text = str(exc).strip()
    if "strict mode" in text:
        return f"{text} The warnings above say what to fix."
    return text or type(exc).__name__
