"""The real course's LMS packages, written once per test session, and what tests ask of them.

The site is built by tests.support.sitebuild (the project's mkdocs.yml in a subprocess), the
packages by site_builder's own writer, so the tests see what `intervision package` writes.
"""

from __future__ import annotations

import os
import posixpath
import re
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

import lxml.html
from lxml import etree

from site_builder.course.loader import load_course
from site_builder.course.model import Course
from site_builder.export.packages import FORMATS, PackageOptions, write_packages
from tests.support.sitebuild import BUILD_TIMEOUT_SECONDS, REPO_ROOT, SiteBuildError

TOOL_BASE_URL = "https://tool.example.edu/intervision"


@dataclass(frozen=True)
class CoursePackages:
    course: Course
    site_dir: Path
    by_format: dict[str, Path]

    def archive(self, name: str) -> Package:
        return Package.read(self.by_format[name])


def project_root() -> Path:
    """The checkout whose course is packaged: this one, or INTERVISION_PACKAGE_PROJECT (a
    clean copy, for reruns while the working tree's content is mid-edit)."""
    return Path(os.environ.get("INTERVISION_PACKAGE_PROJECT", REPO_ROOT)).resolve()


def build_project_site(project: Path, site_dir: Path) -> Path:
    """`mkdocs build --strict` of the project's mkdocs.yml, run from the project folder."""
    command = [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site_dir)]
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONWARNINGS": "ignore"}
    result = subprocess.run(
        command,
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=BUILD_TIMEOUT_SECONDS,
        check=False,
    )
    if result.returncode != 0:
        raise SiteBuildError(
            f"building the course in {project} failed (exit {result.returncode})\n"
            f"--- builder output ---\n{result.stdout}{result.stderr}"
        )
    return site_dir


def write_course_packages(root: Path, project: Path | None = None) -> CoursePackages:
    """Build the site into root/site, then every package into root/dist."""
    project = project or project_root()
    site_dir = build_project_site(project, root / "site")
    course = load_course(project / "content")
    written = write_packages(
        course, site_dir, root / "dist", FORMATS, PackageOptions(base_url=TOOL_BASE_URL)
    )
    by_format = {f.name: path for f, path in zip(FORMATS, written, strict=True)}
    return CoursePackages(course, site_dir, by_format)


@dataclass(frozen=True)
class Package:
    path: Path
    entries: dict[str, bytes]
    order: tuple[str, ...]

    @classmethod
    def read(cls, path: Path) -> Package:
        with zipfile.ZipFile(path) as archive:
            names = tuple(archive.namelist())
            return cls(path, {name: archive.read(name) for name in names}, names)

    @property
    def manifest_bytes(self) -> bytes:
        return self.entries["imsmanifest.xml"]

    @property
    def manifest(self) -> etree._Element:
        return etree.fromstring(self.manifest_bytes)

    def manifest_elements(self, local: str) -> list[etree._Element]:
        return [e for e in self.manifest.iter() if etree.QName(e).localname == local]

    def html_pages(self) -> Iterator[tuple[str, str]]:
        for name, data in self.entries.items():
            if name.endswith(".html"):
                yield name, data.decode("utf-8")

    def unpack(self, folder: Path) -> Path:
        with zipfile.ZipFile(self.path) as archive:
            archive.extractall(folder)
        return folder


def moodle_detects_cc11(manifest: bytes) -> bool:
    """Moodle's imscc11_converter::detect_format(): the first 500 bytes, lower case, without
    white space and quotes, must name the CC 1.1 namespace as the default one."""
    head = manifest[:500].decode("utf-8", errors="replace").lower()
    head = re.sub(r"\s", "", head).replace('"', "").replace("'", "")
    return "xmlns=http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1" in head


def unresolved_manifest_refs(package: Package) -> list[str]:
    """Files the manifest lists that the zip lacks, and identifierrefs to no resource."""
    problems = []
    resources = {r.get("identifier") for r in package.manifest_elements("resource")}
    for element in package.manifest_elements("file") + package.manifest_elements("resource"):
        href = element.get("href")
        if href is not None and href not in package.entries:
            problems.append(f"{etree.QName(element).localname} href {href} is not in the zip")
    for element in package.manifest_elements("item") + package.manifest_elements("dependency"):
        ref = element.get("identifierref")
        if ref is not None and ref not in resources:
            problems.append(f"identifierref {ref} names no resource")
    return problems


def unresolved_page_links(package: Package) -> list[str]:
    """Links in the packaged pages that point at no file of the package. Only a link the
    learner follows (`<a href>`) may leave the package (a cited source); anything the page
    loads by itself (scripts, styles, images, icons) must be inside it."""
    problems = []
    for name, html in package.html_pages():
        document = lxml.html.document_fromstring(html)
        for element, attribute, value, _ in document.iterlinks():
            parts = urlsplit(value)
            if parts.scheme or value.startswith("//"):
                if element.tag == "a" and attribute == "href" and parts.scheme in ("http", "https"):
                    continue
                problems.append(f"{name}: <{element.tag} {attribute}> loads {value}")
                continue
            if not parts.path:
                continue  # '#anchor' on the same page
            target = posixpath.normpath(
                posixpath.join(posixpath.dirname(name), unquote(parts.path))
            )
            if target not in package.entries:
                problems.append(f"{name}: {value} -> {target} is not in the package")
    return problems


def duplicate_identifiers(package: Package) -> list[str]:
    seen: dict[str, int] = {}
    for element in package.manifest.iter():
        identifier = element.get("identifier")
        if identifier is not None:
            seen[identifier] = seen.get(identifier, 0) + 1
    return sorted(identifier for identifier, count in seen.items() if count > 1)
