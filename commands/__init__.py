"""CLI command groups. Each module defines `register(sub, commands)`: add argparse
subcommands to `sub` and their handlers to `commands` ("group cmd" -> fn(args) -> int)."""

from __future__ import annotations

import importlib
import pkgutil


def modules():
    return [
        importlib.import_module(f"{__name__}.{m.name}")
        for m in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name)
    ]
