"""User-facing messages and prompts: package files under `assistant/templates/`, rendered here."""

from __future__ import annotations

from functools import cache
from importlib import resources


@cache
def template(name: str) -> str:
    return resources.files("assistant").joinpath(f"templates/{name}.txt").read_text(encoding="utf-8").strip()


def render(name: str, **values: object) -> str:
    return template(name).format(**values)
