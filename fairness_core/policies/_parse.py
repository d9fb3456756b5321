"""Reading policies from TOML text, files and the package's built-in policies.

The file format (docs/policies.md has a full example)::

    id = "my-policy"            # letters, digits and dashes
    name = "..."                # version, source, summary, not_covered: text
    [attributes]                # policy attribute → column-name hints
    sex = ["sex", "gender"]
    [[requirements]]            # one table per number judged (MetricRequirement's fields)
    id = "impact_ratio"
    metric = "selection_rate"
    kind = "ratio"
    line = 0.8
    harmful = "lower"
    [[checklist]]               # items that are evidence, not numbers (ChecklistItem's fields)

Every problem found is reported at once, each naming the key and its line in the file
(tomllib's own syntax errors carry the line; for the rest the key's line is looked up in
the text) and saying how to fix it.
"""

from __future__ import annotations

import difflib
import math
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from fairness_core.metrics import METRICS
from fairness_core.policies._errors import PolicyError
from fairness_core.policies._model import ChecklistItem, MetricRequirement, Policy, ReviewEvidence

__all__ = ["POLICY_METRICS", "builtin_policies", "load_policy", "parse_policy"]

#: Measures a policy may judge that are not in the metric registry.
POLICY_METRICS: Mapping[str, str] = {
    "scoring_rate": "Scoring rate (NYC Local Law 144): the share of a group scoring above "
    "the median score of everyone in the data.",
    "standardized_mean_difference": "Standardized mean difference of scores (Cohen's d): "
    "the gap between a group's mean score and the reference's, in pooled standard deviations.",
}
_TOP = {
    "id": str,
    "name": str,
    "version": str,
    "source": str,
    "summary": str,
    "not_covered": str,
    "attributes": dict,
    "unknown_values": list,
    "tables": list,
    "requirements": list,
    "checklist": list,
}
_REQUIRED_TOP = ("id", "name", "version", "source", "summary", "not_covered")
_REQUIREMENT = {
    "id": str,
    "title": str,
    "metric": str,
    "kind": str,
    "line": float,
    "harmful": str,
    "reference": str,
    "attributes": list,
    "intersections": list,
    "require_significance": bool,
    "min_n": int,
    "alpha": float,
    "correction": str,
    "exclude_below_share": float,
    "text": str,
    "rate_name": str,
}
_REQUIRED_REQUIREMENT = ("id", "title", "metric", "kind", "line", "harmful")
_CHECKLIST = {"id": str, "title": str, "evidence": list, "provides": str, "does_not": str}
_TABLES = ("ll144",)
_CORRECTIONS = ("holm", "benjamini-hochberg", "none")
_TYPE_WORDS = {
    str: "text in quotes",
    float: "a number",
    int: "a whole number",
    bool: "true or false",
    list: "a list in [ ]",
    dict: "a table",
}
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")
_SUFFIX = ".toml"
#: A policy is a few kilobytes of text; anything far larger is the wrong file.
MAX_POLICY_BYTES = 1_000_000


@dataclass(frozen=True)
class _Problem:
    path: tuple[str | int, ...]  # ("requirements", 0, "line") or ("name",)
    message: str


def builtin_policies() -> Mapping[str, Policy]:
    """Every built-in policy, id → policy, read from the TOML files in the package."""
    return dict(_builtins())


@cache
def _builtins() -> tuple[tuple[str, Policy], ...]:
    folder = resources.files("fairness_core.policies") / "builtin"
    found = []
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(_SUFFIX):
            policy = parse_policy(entry.read_text(encoding="utf-8"), origin="built-in")
            found.append((policy.id, policy))
    return tuple(found)


def load_policy(name_or_path: str | Path) -> Policy:
    """A built-in policy by id, or a policy read from a ``.toml`` file."""
    known = builtin_policies()
    if isinstance(name_or_path, str) and name_or_path in known:
        return known[name_or_path]
    path = Path(name_or_path)
    if path.suffix.lower() != _SUFFIX or not path.is_file():
        close = difflib.get_close_matches(str(name_or_path), list(known), n=1)
        hint = f" Did you mean {close[0]!r}?" if close else ""
        raise PolicyError(
            f"There is no built-in policy or policy file called {str(name_or_path)!r}.{hint} "
            f"Expected one of {', '.join(known)}, or the path of a .toml policy file. "
            "Check the spelling, or the file's path."
        )
    if path.stat().st_size > MAX_POLICY_BYTES:
        raise PolicyError(
            f"The policy file {path.name!r} is {path.stat().st_size:,} bytes; a policy is a "
            f"short text file (at most {MAX_POLICY_BYTES:,} bytes). Check that you chose the "
            "policy file and not a data file."
        )
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise PolicyError(
            f"The policy file {path.name!r} cannot be read ({type(exc).__name__}). Expected a "
            "UTF-8 text file in TOML format. Save it as UTF-8 text and try again."
        ) from exc
    return parse_policy(text, origin=path.name)


def parse_policy(text: str, *, origin: str) -> Policy:
    """Read a policy from TOML text; :class:`PolicyError` names the key and line when wrong."""
    where = "The built-in policy" if origin == "built-in" else f"The policy file {origin!r}"
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise PolicyError(_syntax_message(where, exc)) from exc
    problems: list[_Problem] = []
    policy = _build_policy(raw, origin, problems)
    if problems or policy is None:
        lines = [f"- {_place(text, p.path)}: {p.message}" for p in problems]
        noun = "a problem" if len(problems) == 1 else f"{len(problems)} problems"
        raise PolicyError(
            f"{where} has {noun}. Correct the file and load it again:\n" + "\n".join(lines)
        )
    return policy


# -- building ---------------------------------------------------------------------------


def _build_policy(raw: dict[str, Any], origin: str, problems: list[_Problem]) -> Policy | None:
    top = _checked(raw, _TOP, _REQUIRED_TOP, (), problems)
    if top.get("id") is not None and not _ID.match(top["id"]):
        problems.append(
            _Problem(
                ("id",), f'must be letters, digits and dashes, e.g. "my-policy". Got {top["id"]!r}.'
            )
        )
    attributes = _attributes(top.get("attributes", {}), problems)
    unknown = _strings(top.get("unknown_values", []), ("unknown_values",), problems)
    tables = _strings(top.get("tables", []), ("tables",), problems)
    for i, table in enumerate(tables):
        if table not in _TABLES:
            problems.append(
                _Problem(
                    ("tables", i), f"unknown table {table!r}. Expected one of {', '.join(_TABLES)}."
                )
            )
    requirements = []
    for i, item in enumerate(_tables_of(top.get("requirements", []), "requirements", problems)):
        requirement = _requirement(item, i, problems)
        if requirement is not None:
            requirements.append(requirement)
    checklist = []
    for i, item in enumerate(_tables_of(top.get("checklist", []), "checklist", problems)):
        entry = _checked(item, _CHECKLIST, tuple(_CHECKLIST), ("checklist", i), problems)
        evidence = _strings(entry.get("evidence", []), ("checklist", i, "evidence"), problems)
        for key in evidence:
            if key not in ReviewEvidence.__dataclass_fields__:
                problems.append(
                    _Problem(
                        ("checklist", i, "evidence"),
                        f"unknown evidence {key!r}. Expected some of "
                        f"{', '.join(ReviewEvidence.__dataclass_fields__)}.",
                    )
                )
        if len(entry) == len(_CHECKLIST):
            checklist.append(
                ChecklistItem(
                    entry["id"],
                    entry["title"],
                    tuple(evidence),
                    entry["provides"],
                    entry["does_not"],
                )
            )
    if not requirements and not checklist and "requirements" not in problems_keys(problems):
        problems.append(
            _Problem(
                ("requirements",),
                "the policy judges nothing. Add at least "
                "one [[requirements]] or [[checklist]] table.",
            )
        )
    ids = [r.id for r in requirements] + [c.id for c in checklist]
    for twice in sorted({i for i in ids if ids.count(i) > 1}):
        problems.append(
            _Problem(
                ("requirements",),
                f"the id {twice!r} is used twice; each "
                "requirement and checklist item needs its own id.",
            )
        )
    known_attributes = set(attributes)
    for i, requirement in enumerate(requirements):
        named = [*requirement.attributes, *(a for t in requirement.intersections for a in t)]
        for name in dict.fromkeys(named):
            if known_attributes and name not in known_attributes:
                problems.append(
                    _Problem(
                        ("requirements", i, "attributes"),
                        f"the attribute {name!r} is not in the policy's [attributes] table. "
                        "Add it there with the column names it goes by, "
                        'e.g. sex = ["sex", "gender"].',
                    )
                )
    if problems:
        return None
    return Policy(
        id=top["id"],
        name=top["name"],
        version=top["version"],
        source=top["source"],
        summary=top["summary"],
        not_covered=top["not_covered"],
        requirements=tuple(requirements),
        checklist=tuple(checklist),
        attributes=attributes,
        unknown_values=tuple(unknown),
        origin=origin,
        tables=tuple(tables),
    )


def problems_keys(problems: list[_Problem]) -> set[str | int]:
    return {p.path[0] for p in problems if p.path}


def _requirement(
    item: dict[str, Any], i: int, problems: list[_Problem]
) -> MetricRequirement | None:
    at = ("requirements", i)
    before = len(problems)
    entry = _checked(item, _REQUIREMENT, _REQUIRED_REQUIREMENT, at, problems)

    def bad(key: str, message: str) -> None:
        problems.append(_Problem((*at, key), message))

    metric: str = entry.get("metric", "")
    kind, harmful = entry.get("kind"), entry.get("harmful")
    if metric and metric not in METRICS and metric not in POLICY_METRICS:
        close = difflib.get_close_matches(metric, [*METRICS, *POLICY_METRICS], n=1)
        hint = f" Did you mean {close[0]!r}?" if close else ""
        bad(
            "metric",
            f"unknown metric {metric!r}.{hint} Expected one of "
            f"{', '.join([*METRICS, *POLICY_METRICS])}.",
        )
    elif metric in METRICS and METRICS[metric].harmful is None:
        bad(
            "metric",
            f"the metric {metric!r} is not judged (no direction harms a group). "
            "Choose a metric such as 'selection_rate' or 'true_positive_rate'.",
        )
    elif (
        metric in METRICS and harmful in ("lower", "higher") and harmful != METRICS[metric].harmful
    ):
        bad(
            "harmful",
            f"for {metric!r} a {METRICS[metric].harmful} value harms a group, so "
            f"harmful must be {METRICS[metric].harmful!r}. Got {harmful!r}.",
        )
    elif metric in POLICY_METRICS and harmful == "higher":
        bad(
            "harmful",
            f"for {metric!r} a lower value harms a group, so harmful must be "
            "'lower'. Got 'higher'.",
        )
    if kind is not None and kind not in ("ratio", "difference"):
        bad("kind", f'must be "ratio" or "difference". Got {kind!r}.')
    if metric == "standardized_mean_difference" and kind == "ratio":
        bad("kind", 'a standardized mean difference is a "difference". Got "ratio".')
    if harmful is not None and harmful not in ("lower", "higher"):
        bad("harmful", f'must be "lower" or "higher". Got {harmful!r}.')
    line = entry.get("line")
    if line is not None and kind == "ratio" and harmful == "lower" and not 0 < line < 1:
        bad(
            "line",
            f"a ratio line where lower harms must be between 0 and 1, e.g. 0.8. Got {line!r}.",
        )
    if line is not None and kind == "ratio" and harmful == "higher" and not line > 1:
        bad("line", f"a ratio line where higher harms must be above 1, e.g. 1.25. Got {line!r}.")
    if line is not None and kind == "difference" and not 0 < abs(line) < math.inf:
        bad("line", f"a difference line is the size of the gap allowed, e.g. 0.05. Got {line!r}.")
    reference = entry.get("reference", "best")
    if not (reference in ("best", "largest", "overall") or reference.startswith("group:")):
        bad(
            "reference",
            'must be "best" (the best-treated group), "largest", "overall" '
            f'(everyone) or "group:<label>" (a named group). Got {reference!r}.',
        )
    min_n, alpha = entry.get("min_n", 30), entry.get("alpha", 0.05)
    if min_n < 0:
        bad("min_n", f"must be a whole number of 0 or more, e.g. 30. Got {min_n!r}.")
    if not 0 < alpha < 1:
        bad("alpha", f"the significance level must be between 0 and 1, e.g. 0.05. Got {alpha!r}.")
    correction = entry.get("correction", "holm")
    if correction not in _CORRECTIONS:
        bad("correction", f"must be one of {', '.join(_CORRECTIONS)}. Got {correction!r}.")
    share = entry.get("exclude_below_share")
    if share is not None and not 0 <= share < 1:
        bad("exclude_below_share", f"must be a share between 0 and 1, e.g. 0.02. Got {share!r}.")
    rate_name = entry.get("rate_name")
    if rate_name is not None and not rate_name.strip():
        bad("rate_name", 'the rate\'s name in reasons, e.g. "approval rate". Got an empty text.')
    if rate_name is not None and metric == "standardized_mean_difference":
        bad("rate_name", "a standardized mean difference is not a rate; leave rate_name out.")
    attributes = _strings(entry.get("attributes", []), (*at, "attributes"), problems)
    intersections = []
    for j, combo in enumerate(entry.get("intersections", [])):
        names = _strings(combo, (*at, "intersections"), problems) if isinstance(combo, list) else []
        if len(names) < 2:
            bad(
                "intersections",
                f"each intersection is a list of two or more attributes, e.g. "
                f'[["sex", "race_ethnicity"]]. Item {j + 1} is {combo!r}.',
            )
        intersections.append(tuple(names))
    if len(problems) > before:
        return None
    fields = {k: v for k, v in entry.items() if k not in ("attributes", "intersections")}
    return MetricRequirement(
        **fields, attributes=tuple(attributes), intersections=tuple(intersections)
    )


def _attributes(raw: Any, problems: list[_Problem]) -> dict[str, tuple[str, ...]]:
    out = {}
    for name, hints in raw.items():
        values = [hints] if isinstance(hints, str) else hints
        out[name] = tuple(_strings(values, ("attributes", name), problems))
    return out


def _tables_of(value: Any, key: str, problems: list[_Problem]) -> list[dict[str, Any]]:
    tables = []
    for i, item in enumerate(value):
        if isinstance(item, dict):
            tables.append(item)
        else:
            problems.append(
                _Problem((key, i), f"each entry must be a [[{key}]] table. Got {item!r}.")
            )
    return tables


def _strings(value: Any, path: tuple[str | int, ...], problems: list[_Problem]) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        problems.append(
            _Problem(path, f'must be a list of texts in quotes, e.g. ["a", "b"]. Got {value!r}.')
        )
        return []
    return list(value)


def _checked(
    raw: dict[str, Any],
    schema: Mapping[str, type],
    required: tuple[str, ...],
    at: tuple[str | int, ...],
    problems: list[_Problem],
) -> dict[str, Any]:
    """The entries of ``raw`` of the right type; problems for unknown, missing, wrong keys."""
    out: dict[str, Any] = {}
    for key, value in raw.items():
        if key not in schema:
            close = difflib.get_close_matches(key, list(schema), n=1)
            hint = f" Did you mean {close[0]!r}?" if close else ""
            problems.append(
                _Problem(
                    (*at, key), f"unknown key {key!r}.{hint} Expected one of {', '.join(schema)}."
                )
            )
            continue
        wanted = schema[key]
        ok = isinstance(value, wanted) and not (wanted is not bool and isinstance(value, bool))
        if wanted is float and isinstance(value, int) and not isinstance(value, bool):
            value, ok = float(value), True
        if not ok:
            problems.append(_Problem((*at, key), f"must be {_TYPE_WORDS[wanted]}. Got {value!r}."))
            continue
        out[key] = value
    for key in required:
        if key not in raw:
            problems.append(
                _Problem(
                    (*at, key), f"the key {key!r} is missing; add it ({_TYPE_WORDS[schema[key]]})."
                )
            )
    return out


# -- messages ---------------------------------------------------------------------------


def _syntax_message(where: str, exc: tomllib.TOMLDecodeError) -> str:
    # Python 3.11-3.13 put the place only in the message: "... (at line 3, column 13)".
    found = re.search(r"\(at line (\d+), column (\d+)\)", str(exc))
    line = getattr(exc, "lineno", None) or (int(found.group(1)) if found else None)
    column = getattr(exc, "colno", None) or (int(found.group(2)) if found else None)
    what = re.sub(r"\s*\(at (line \d+, column \d+|end of document)\)", "", str(exc))
    place = f"line {line}, column {column}" if line else "the end of the file"
    return (
        f"{where} is not valid TOML at {place}: {what.rstrip('.').lower()}. Expected lines "
        'such as name = "My policy" or line = 0.8 (text in double quotes, numbers without). '
        "Correct that line and load the file again."
    )


def _place(text: str, path: tuple[str | int, ...]) -> str:
    """ "line 12, key requirements[2].line" (1-based), the line looked up in the text."""
    shown = ""
    for part in path:
        shown += f"[{part + 1}]" if isinstance(part, int) else (f".{part}" if shown else part)
    line = _line_of(text, path)
    return f"line {line}, key {shown}" if line else f"key {shown}"


def _line_of(text: str, path: tuple[str | int, ...]) -> int | None:
    """The line of ``path``'s key in the TOML text (the table's header when the key is absent)."""
    if not path:
        return None
    if isinstance(path[0], str) and len(path) >= 2 and isinstance(path[1], int):
        table, index = path[0], path[1]
        key = path[2] if len(path) > 2 else None
    elif len(path) >= 2 and isinstance(path[0], str) and isinstance(path[1], str):
        table, index, key = path[0], None, path[1]
    else:
        table, index, key = None, None, path[0]
    section: str | None = None
    seen = -1
    header_line = None
    for number, raw in enumerate(text.splitlines(), start=1):
        stripped = raw.strip()
        if stripped.startswith("[["):
            section = stripped.strip("[] \t").split("#")[0].strip()
            if section == table:
                seen += 1
                if seen == index:
                    header_line = number
            continue
        if stripped.startswith("["):
            section = stripped.strip("[] \t").split("#")[0].strip()
            if section == table and index is None:
                header_line = number
            continue
        in_place = (
            (table is None and section is None)
            or (index is None and section == table)
            or (section == table and seen == index)
        )
        if in_place and key is not None and re.match(rf"^\s*\"?{re.escape(str(key))}\"?\s*=", raw):
            return number
    if table is None and key is not None:
        for number, raw in enumerate(text.splitlines(), start=1):
            if raw.strip().startswith((f"[{key}]", f"[[{key}]]")):
                return number
    return header_line
