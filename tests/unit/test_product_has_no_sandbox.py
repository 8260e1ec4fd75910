"""The bot's wheel and image carry no sandbox: only the demo (a development command) may import it."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    return found | {node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}


@pytest.mark.parametrize("package", ["bot", "cogs", "migrations"])
def test_nothing_but_the_demo_imports_the_sandbox(package: str) -> None:
    offenders = [
        str(path.relative_to(ROOT))
        for path in (ROOT / package).rglob("*.py")
        if "demo" not in path.relative_to(ROOT).parts
        and any(name == "sandbox" or name.startswith("sandbox.") for name in _imports(path))
    ]
    assert offenders == []


def test_the_wheel_has_no_sandbox() -> None:
    """The packages setuptools puts in the wheel (pyproject.toml's find rule) are bot, cogs and migrations."""
    import tomllib

    from setuptools import find_packages

    rule = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]["packages"]
    packages = find_packages(where=str(ROOT), include=rule["find"]["include"])
    assert {name.split(".")[0] for name in packages} == {"bot", "cogs", "migrations"}
