"""docs/compliance.md is the project's own account of the rules: the README leads to it, every document it
or the README names is in the repository, and every file and name it cites as enforcing a rule exists."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "compliance.md"
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
CODE = [*ROOT.glob("*.md"), *(p for d in ("compliance", "dialogue", "show", "console", "avatar", "voice", "bench",
                                           "examples", "assets") for p in (ROOT / d).rglob("*.py")),
        *(ROOT / "assets").rglob("*.yaml")]


def test_the_readme_links_the_compliance_document() -> None:
    assert DOC.is_file()
    assert "](docs/compliance.md)" in (ROOT / "README.md").read_text("utf-8")


def test_every_document_named_is_in_the_repository() -> None:
    for doc in DOCS:
        text = doc.read_text("utf-8")
        for target in re.findall(r"\]\(([^)#\s]+)", text):  # Markdown links
            if not re.match(r"[a-z]+:", target):
                assert (doc.parent / target).exists(), f"{doc.name} links {target}, which is not there"
        prose = re.sub(r"`[^`\n]*`", "", text)  # a name in backticks is a file a command writes (summary.md)
        for name in set(re.findall(r"[\w./-]*\b[\w-]+\.md\b", prose)):  # documents named in the text
            assert any((base / name).exists() for base in (doc.parent, ROOT)), f"{doc.name} names {name}"
    for path in CODE:  # code and data point at the project's own document, not at one it does not have
        assert "COMPLIANCE.md" not in path.read_text("utf-8"), f"{path.relative_to(ROOT)} names COMPLIANCE.md"


def _bullets(text: str) -> list[str]:
    """The document's list items, each with its continuation lines."""
    return [m.group(0) for m in re.finditer(r"^- .*(?:\n  .*)*", text, flags=re.M)]


def test_every_file_and_name_cited_as_enforcing_a_rule_exists() -> None:
    cited = 0
    for bullet in _bullets(DOC.read_text("utf-8")):
        files = re.findall(r"`([\w/]+/[\w.]+\.(?:py|yaml))`", bullet)
        if not bullet.startswith("- `") or not files:
            continue
        for f in files:
            assert (ROOT / f).is_file(), f"docs/compliance.md cites {f}, which is not there"
        source = "\n".join((ROOT / f).read_text("utf-8") for f in files)
        for name in re.findall(r"`([A-Za-z_][\w.]*)`", bullet):
            if "." in name and name.rsplit(".", 1)[1] in ("py", "yaml", "md"):
                continue
            last = name.rsplit(".", 1)[-1]
            assert re.search(rf"\b{re.escape(last)}\b", source), f"{name} is not in {', '.join(files)}"
            cited += 1
    assert cited >= 30, "the document names the code that keeps each rule"
