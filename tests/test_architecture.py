"""The layering the code promises (docs/architecture.md), checked on every module's imports.

corpus <- index <- service.qa <- service.ops / service.api; eval uses the QA core's
public entry points (`service.qa`), the settings and the index, never the HTTP shell.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
PACKAGES = ("corpus", "index", "service", "eval")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(REPO).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _is_module(name: str) -> bool:
    path = REPO.joinpath(*name.split("."))
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def _imports(path: Path) -> set[str]:
    """Every module `path` imports, at any depth (functions' lazy imports included)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            # `from service.qa import engine` imports the submodule `service.qa.engine`.
            found.update(
                f"{node.module}.{alias.name}"
                for alias in node.names
                if _is_module(f"{node.module}.{alias.name}")
            )
    return found


MODULES = {
    _module_name(path): _imports(path)
    for package in PACKAGES
    for path in sorted((REPO / package).rglob("*.py"))
}

# (modules the rule covers, imports they must not make, why)
RULES = [
    (r"corpus(\..*)?", r"(index|service|eval)(\..*)?", "the corpus stage stands alone"),
    (r"index(\..*)?", r"(service|eval)(\..*)?", "the index knows nothing of the service"),
    (r"service\.qa(\..*)?", r"(fastapi|starlette|uvicorn)(\..*)?", "the QA core has no HTTP"),
    (r"service\.qa(\..*)?", r"service\.(api|ops|cli)(\..*)?", "the QA core is the bottom layer"),
    (r"service\.ops(\..*)?", r"(fastapi|starlette|service\.api)(\..*)?", "operations have no HTTP"),
    (r"service\.(settings|errors)", r"(fastapi|starlette|service\.(qa|api|ops))(\..*)?", "base"),
    (
        r"eval(\..*)?",
        r"service\.(api|ops)(\..*)?|service\.qa\.\w+(\..*)?",
        "eval uses the QA core's public entry points (service.qa) and HTTP",
    ),
]


@pytest.mark.parametrize(("covered", "forbidden", "why"), RULES, ids=[r[2] for r in RULES])
def test_imports_point_down_only(covered: str, forbidden: str, why: str) -> None:
    broken = sorted(
        f"{module} imports {name}"
        for module, names in MODULES.items()
        if re.fullmatch(covered, module)
        for name in names
        if re.fullmatch(forbidden, name)
    )
    assert not broken, f"{why}:\n" + "\n".join(broken)


def test_every_package_was_scanned() -> None:
    assert {m.split(".")[0] for m in MODULES} == set(PACKAGES)
    assert "service.qa.engine" in MODULES and "service.api.app" in MODULES


def test_docs_architecture_lists_every_module_and_only_real_ones() -> None:
    doc = (REPO / "docs" / "architecture.md").read_text(encoding="utf-8")
    listed = set(re.findall(r"`((?:corpus|index|service|eval)/[\w/]+\.py)`", doc))
    actual = {
        str(path.relative_to(REPO))
        for package in PACKAGES
        for path in (REPO / package).rglob("*.py")
    }
    assert not actual - listed, f"add to docs/architecture.md: {sorted(actual - listed)}"
    assert not listed - actual, f"gone, remove from docs/architecture.md: {sorted(listed - actual)}"


def test_modules_stay_small_or_say_why() -> None:
    long = [
        str(path.relative_to(REPO))
        for package in PACKAGES
        for path in (REPO / package).rglob("*.py")
        if len(path.read_text(encoding="utf-8").splitlines()) > 400
    ]
    doc = (REPO / "docs" / "architecture.md").read_text(encoding="utf-8")
    unexplained = [m for m in long if not re.search(rf"`{re.escape(m)}` \| .*\d+ lines", doc)]
    assert not unexplained, (
        f"over 400 lines without a reason in docs/architecture.md: {unexplained}"
    )
