"""The repository stands on its own: no tracked file links or points outside it (a relative link
that climbs above the root, the team's folder beside a checkout, a path of one machine), and no
Markdown page links to a file that is missing, since users clone the repository and nothing else."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
#: Markdown links and images, and HTML href/src attributes: the target
LINK = re.compile(r"\]\(\s*<?(?P<md>[^)\s>]+)|\b(?:href|src)\s*=\s*[\"'](?P<html>[^\"']+)")
#: text that names a place outside any clone (spelt so that this file does not match itself)
OUTSIDE = re.compile(r"\.\./shared\b|(?<![\w.~-])/(?:wor[k]/|hom[e]/[a-z]|User[s]/[A-Za-z])")
_URL = re.compile(r"^(?:[a-z][a-z0-9+.-]*:|//|#|\{|\$)", re.IGNORECASE)


def tracked_text_files() -> list[Path]:
    """Every file git tracks (or, outside a git checkout, every file not under a dot folder or
    .venv) that reads as UTF-8 text."""
    try:
        listed = subprocess.run(
            ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True
        ).stdout.decode()
        paths = [ROOT / name for name in listed.split("\0") if name]
    except (OSError, subprocess.CalledProcessError):
        paths = [
            p for p in ROOT.rglob("*")
            if p.is_file() and not any(part.startswith(".") for part in p.relative_to(ROOT).parts)
        ]  # fmt: skip
    texts = []
    for path in paths:
        try:
            path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):  # deleted in the work tree, or binary
            continue
        texts.append(path)
    return texts


def local_links(text: str) -> list[str]:
    """The link targets in `text` that are files (no URL, no bare #anchor), without anchors."""
    targets = []
    for match in LINK.finditer(text):
        target = (match["md"] or match["html"]).split("#")[0].split("?")[0]
        if target and not _URL.match(target):
            targets.append(target)
    return targets


def leaving_links(path: Path, text: str) -> list[str]:
    """Relative link targets in `text` that resolve outside the repository, and absolute ones."""
    return [
        target
        for target in local_links(text)
        if target.startswith("/") or not (path.parent / target).resolve().is_relative_to(ROOT)
    ]


def test_no_tracked_file_links_or_points_outside_the_repository():
    problems = []
    for path in tracked_text_files():
        text = path.read_text(encoding="utf-8")
        name = path.relative_to(ROOT)
        problems += [f"{name}: links to {target}" for target in leaving_links(path, text)]
        if path.suffix == ".md":
            missing = [t for t in local_links(text) if not (path.parent / t).exists()]
            problems += [f"{name}: links to {target}, which is missing" for target in missing]
        for number, line in enumerate(text.splitlines(), start=1):
            if match := OUTSIDE.search(line):
                problems.append(f"{name}:{number}: names {match.group()!r} outside the repository")
    assert problems == []


@pytest.mark.parametrize(
    ("text", "leaves"),
    [
        # each link is cut in two so that this file's own scan does not find it
        ("see [rules]" + "(docs/rules.md)", []),
        ("see [rules]" + "(../docs/rules.md)", []),  # from features/: still inside
        ("see [rules]" + "(../../RULES.md)", ["../../RULES.md"]),
        ("<a href=" + '"../../x.html">', ["../../x.html"]),
        ("[home]" + "(https://example.com/a/../b) [top]" + "(#top)", []),
        ("[abs]" + "(/etc/passwd)", ["/etc/passwd"]),
    ],
)
def test_a_link_leaving_the_repository_is_found(text, leaves):
    assert leaving_links(ROOT / "features" / "README.md", text) == leaves


def test_a_path_of_the_team_folder_or_a_machine_is_found():
    assert OUTSIDE.search("see ../" + "shared/RULES.md")
    assert OUTSIDE.search("/" + "work/main/README.md")
    assert not OUTSIDE.search("docs/rules.md and tests/" + "work/x")
