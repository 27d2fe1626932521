"""Self-check option order as a browser sees it, for the learner tests on the static site and
inside the LMS: what the author wrote (the page's HTML before the shuffle script ran) and what
the learner is shown, each as one list of input values per self-check form. Also where those
tests put their screenshots."""

from __future__ import annotations

from tests.support.sitebuild import REPO_ROOT

SHOTS = REPO_ROOT / "test-artefacts" / "learner"

AUTHOR_ORDER = """async () => {
  const html = await (await fetch(location.href)).text();
  const doc = new DOMParser().parseFromString(html, "text/html");
  return [...doc.querySelectorAll("form.iv-selfcheck")].map(form =>
    [...form.querySelectorAll("input")].map(input => input.value));
}"""
SHOWN_ORDER = """() => [...document.querySelectorAll("form.iv-selfcheck")].map(form =>
  [...form.querySelectorAll("input")].map(input => input.value))"""
