"""Small typed checks for tests: a value a test relies on, narrowed for the type checker."""

from __future__ import annotations

from typing import TypeVar

T = TypeVar("T")


def present(value: T | None) -> T:
    """``value``, failing the test when it is ``None`` (e.g. a cache look-up that must have found it)."""
    assert value is not None, "expected a value, got None"
    return value
