"""The README stays honest: every CLI command and every KPI definition is documented."""

import re

from analytics.kpis import DEFINITIONS
from cli import build_parser
from db.config import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def _commands() -> list[str]:
    parser = build_parser()
    groups = next(a for a in parser._actions if a.dest == "group")
    out = []
    for name, sub in groups.choices.items():
        cmds = [a for a in sub._actions if a.dest == "cmd"]
        out += [f"{name} {c}" for c in cmds[0].choices] if cmds else [name]
    return out


def test_every_cli_command_is_in_the_readme():
    missing = [c for c in _commands() if not re.search(rf"`{re.escape(c)}\b", README)]
    assert missing == []


def test_every_kpi_definition_is_in_the_readme():
    assert [k for k, v in DEFINITIONS.items() if f"| {k} | {v} |" not in README] == []


def test_quick_start_is_two_commands():
    block = README.split("## Quick start", 1)[1].split("```bash", 1)[1].split("```", 1)[0]
    assert [line.split("#")[0].strip() for line in block.strip().splitlines()] == [
        "./run.sh",
        "./test.sh",
    ]
