"""A bug injected into every process a command starts (fork server and workers too), for tests.

Monkeypatching reaches only the test's own process; a batch draws in worker processes forked
from a fresh fork server. A `sitecustomize` module on PYTHONPATH runs in each of them and
patches the render chain as it is imported.
"""

from __future__ import annotations

import os
from pathlib import Path

from tests.conftest import ROOT

BUG_ID = "bug"  # the case id whose drawing raises

_SITECUSTOMIZE = '''
"""Test-only: drawing a case whose id is {bug!r} raises RuntimeError('injected bug')."""
import importlib.abc
import importlib.machinery
import sys


class _Patch(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        if name != "atc_timeline.pipeline":
            return None
        spec = importlib.machinery.PathFinder.find_spec(name, path)
        run = spec.loader.exec_module

        def exec_module(module):
            run(module)
            real = module.missing_glyph_warning

            def broken(case, *args, **kwargs):
                if case.case.id == {bug!r}:
                    raise RuntimeError("injected bug")
                return real(case, *args, **kwargs)

            module.missing_glyph_warning = broken

        spec.loader.exec_module = exec_module
        return spec


sys.meta_path.insert(0, _Patch())
'''


def bug_env(folder: Path, **extra: str) -> dict[str, str]:
    """The environment for a subprocess whose render chain raises for the case id BUG_ID."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "sitecustomize.py").write_text(_SITECUSTOMIZE.format(bug=BUG_ID))
    path = os.pathsep.join(p for p in (str(folder), str(ROOT), os.environ.get("PYTHONPATH", "")) if p)
    env = {**os.environ, "PYTHONPATH": path, **extra}
    env.pop("ATC_TIMELINE_DEBUG", None)
    env.update(extra)
    return env


def with_case_id(text: str, case_id: str) -> str:
    """A case file's text with its case id replaced (the first `id:` under `case:`)."""
    head, _, rest = text.partition("\ncase:")
    lines = rest.split("\n")
    for i, line in enumerate(lines):
        if line.strip().startswith("id:"):
            lines[i] = line[: line.index("id:")] + f"id: {case_id}"
            break
    return head + "\ncase:" + "\n".join(lines)
