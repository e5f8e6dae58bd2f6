"""What `validate` found, as JSON for editors and CI."""

from __future__ import annotations

import json
from collections.abc import Iterable

from atc_timeline.errors import Issue


def findings_json(issues: Iterable[Issue]) -> str:
    """Every issue as a JSON list of {file, line, column, path, severity, message}."""
    return json.dumps([issue.as_dict() for issue in issues], indent=2, ensure_ascii=False)
