"""The audit bundle: one zip that lets a later reviewer re-run an audit to the same numbers.

A bundle holds only JSON files (never pickle, never code):

- ``manifest.json``: format name and version, when and with which package versions it was
  made, and how to replay it;
- ``settings.json``: the column roles and, under ``analyses``, the settings of each
  analysis in the report, in its order (bundles made before several analyses existed hold
  one ``report`` block instead; they are still read and replayed);
- ``inputs.json``: the data and model files' names, SHA-256 hashes and row counts (not the
  files themselves: data about people stays where it is kept);
- ``findings.json`` and ``operating_points.json``: what the reviewer pinned (findings from
  other data last, each naming its data), and the operating points recorded (``points``)
  with the id of the recommended one (``recommended``);
- ``results.json``: the metrics in the ``fairness-explorer audit`` JSON schema;
- ``policies.json`` (format version 3): the chosen policies as TOML with the reviewer's
  edited lines, the columns each policy attribute was judged on, what the review did, and
  the policies' results (:mod:`._bundle_policies`); replay reads each policy again with the
  checks a policy file gets, evaluates it and compares every status and number.

:func:`replay` (``fairness-explorer replay BUNDLE --data FILE [--model FILE]``) checks that
the files given are the files the audit was made from (SHA-256), re-runs every analysis
with its settings from the bundle and compares every number with ``results.json``. It
refuses, saying which file and both hashes, when a file differs.

A bundle from somewhere else is untrusted input: :func:`read_bundle` accepts exactly the
entries above, each at most :data:`MAX_ENTRY_BYTES` once unpacked (checked while reading,
not only from the zip's own headers), no encryption, no other compression than deflate,
and strict JSON (no NaN constants). Bundles of format version 1 (one
``operating_point.json``, the single chosen point or null) and 2 (no policies) still read
and replay.
"""

from __future__ import annotations

import hashlib
import io
import json
import math
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from fairness_core.data import ColumnRoles, check_audit_data, load_dataset, name_columns
from fairness_core.errors import FairnessCoreError, InvalidInputError
from fairness_core.metrics import ReportSettings, compute_subgroup_report
from fairness_core.models import ModelPolicy, load_model
from fairness_core.report._bundle_policies import (
    BundledPolicies,
    policies_entry,
    policies_from_entry,
    replay_policies,
)
from fairness_core.report._findings import (
    Finding,
    OperatingPointRecord,
    finding_from_dict,
    finding_to_dict,
    operating_point_from_dict,
    operating_point_to_dict,
)
from fairness_core.report._review import (
    FileIdentity,
    ReviewReport,
    identify_data,
    metrics_document,
    package_versions,
    roles_from_dict,
    roles_to_dict,
)

__all__ = [
    "BUNDLE_ENTRIES",
    "BUNDLE_FORMAT",
    "MAX_BUNDLE_BYTES",
    "MAX_ENTRY_BYTES",
    "AuditBundle",
    "ReplayRefusedError",
    "ReplayResult",
    "build_bundle",
    "read_bundle",
    "replay",
]

BUNDLE_FORMAT = "fairness-explorer-audit-bundle"
BUNDLE_VERSION = 3
_VERSION_2_ENTRIES = (
    "manifest.json",
    "settings.json",
    "inputs.json",
    "findings.json",
    "operating_points.json",
    "results.json",
)
BUNDLE_ENTRIES = (*_VERSION_2_ENTRIES, "policies.json")
#: The entries of each format version this version reads (1: one operating point; 2: no
#: policies).
_ENTRIES_BY_VERSION = {
    1: tuple(
        n if n != "operating_points.json" else "operating_point.json" for n in _VERSION_2_ENTRIES
    ),
    2: _VERSION_2_ENTRIES,
    3: BUNDLE_ENTRIES,
}
_KNOWN_ENTRIES = frozenset(n for names in _ENTRIES_BY_VERSION.values() for n in names)
#: Largest bundle file accepted (a bundle is JSON text: findings, tables, figures).
MAX_BUNDLE_BYTES = 64 * 1024 * 1024
#: Largest entry accepted once unpacked.
MAX_ENTRY_BYTES = 64 * 1024 * 1024
#: Largest total accepted once unpacked.
MAX_UNPACKED_BYTES = 128 * 1024 * 1024
#: Most bootstrap resamples a bundle may ask a replay for (a crafted bundle must not be
#: able to keep the machine busy for hours; the app uses 1,000).
MAX_BUNDLE_BOOTSTRAP = 100_000
#: Most findings a bundle may hold.
MAX_BUNDLE_FINDINGS = 1_000
#: Most operating points a bundle may hold.
MAX_BUNDLE_POINTS = 100
#: Most analyses a bundle may ask a replay to re-run.
MAX_BUNDLE_ANALYSES = 100
#: Keys of ``results.json`` whose numbers a replay must reproduce.
COMPARED_KEYS = ("overall", "groups", "disparities", "summary", "settings", "data")
#: Compared too when the bundle holds several analyses (each one's numbers in order).
ANALYSES_KEY = "analyses"
#: Differences listed in a replay's message (all are kept in the result).
SHOWN_DIFFERENCES = 20
_REPLAY_COMMAND = "fairness-explorer replay BUNDLE.zip --data DATA_FILE [--model MODEL_FILE]"
_SETTING_NAMES = (
    "attributes",
    "metrics",
    "reference",
    "min_n",
    "correction",
    "alpha",
    "n_bootstrap",
    "seed",
    "confidence",
    "suppress_below",
    "tolerance",
    "ratio_threshold",
)


class ReplayRefusedError(InvalidInputError):
    """A file given to replay is not the file the audit bundle was made from."""


@dataclass(frozen=True)
class AuditBundle:
    """What a bundle holds, read back (see the module docstring)."""

    title: str
    created: str
    versions: tuple[tuple[str, str], ...]
    roles: ColumnRoles
    #: Each analysis's subgroup report settings, in the report's order.
    analyses: tuple[Mapping[str, Any], ...]
    data: FileIdentity
    model: FileIdentity | None
    findings: tuple[Finding, ...]
    operating_points: tuple[OperatingPointRecord, ...]
    recommended_point: str | None
    results: Mapping[str, Any] = field(repr=False)
    #: The chosen policies, their columns, the review's evidence and results (version 3).
    policies: BundledPolicies = field(default_factory=BundledPolicies, repr=False)

    @property
    def report_settings(self) -> Mapping[str, Any]:
        """The first analysis's settings (the one the executive summary describes)."""
        return self.analyses[0]


@dataclass(frozen=True)
class ReplayResult:
    """The outcome of a replay: identical or not, and every difference in words."""

    identical: bool
    compared: int
    differences: tuple[str, ...]
    document: Mapping[str, Any] = field(repr=False)
    bundle: AuditBundle = field(repr=False)
    versions: tuple[tuple[str, str], ...] = ()

    def describe(self) -> str:
        """Plain sentences for the reviewer (what matched, or what differs and why it may)."""
        name = self.bundle.data.name
        if self.identical:
            return (
                f"Replayed the audit of '{name}': all {self.compared:,} numbers match the "
                "bundle exactly."
            )
        lines = [
            f"Replayed the audit of '{name}': {len(self.differences):,} values differ from "
            f"the bundle ({self.compared:,} numbers compared)."
        ]
        lines += [f"  {d}" for d in self.differences[:SHOWN_DIFFERENCES]]
        if len(self.differences) > SHOWN_DIFFERENCES:
            lines.append(f"  … and {len(self.differences) - SHOWN_DIFFERENCES:,} more.")
        then, now = dict(self.bundle.versions), dict(self.versions)
        changed = [
            f"{k} {then[k]} → {now.get(k, 'not installed')}"
            for k in then
            if then[k] != now.get(k, "not installed")
        ]
        if changed:
            lines.append(
                "Package versions differ from when the bundle was made ("
                + ", ".join(changed)
                + "); install the bundle's versions to reproduce its numbers exactly."
            )
        else:
            lines.append(
                "The data, model and package versions are the same, so the audit itself "
                "changed: report this to whoever maintains Fairness Explorer."
            )
        return "\n".join(lines)


# --------------------------------------------------------------------------------------
# Writing
# --------------------------------------------------------------------------------------


def _settings_of(settings: ReportSettings) -> dict[str, Any]:
    return {
        "attributes": list(settings.attributes),
        "metrics": list(settings.metrics),
        "reference": (
            list(settings.reference)
            if isinstance(settings.reference, (list, tuple))
            else settings.reference
        ),
        "min_n": settings.min_n,
        "correction": settings.correction,
        "alpha": settings.alpha,
        "n_bootstrap": settings.n_bootstrap,
        "seed": settings.seed,
        "confidence": settings.confidence,
        "suppress_below": settings.suppress_below,
        "tolerance": settings.tolerance,
        "ratio_threshold": settings.ratio_threshold,
    }


def _identity_dict(identity: FileIdentity) -> dict[str, Any]:
    return {
        "file": identity.name,
        "sha256": identity.sha256,
        "rows": identity.rows,
        "audited_rows": identity.audited_rows,
        "kind": identity.kind,
    }


def build_bundle(review: ReviewReport) -> bytes:
    """The audit bundle of a review as zip bytes (JSON entries only)."""
    versions = dict(review.versions)
    contents: dict[str, Any] = {
        "manifest.json": {
            "format": BUNDLE_FORMAT,
            "version": BUNDLE_VERSION,
            "title": review.title,
            "created": review.created,
            "versions": versions,
            "entries": list(BUNDLE_ENTRIES),
            "how_to_replay": _REPLAY_COMMAND,
        },
        "settings.json": {
            "roles": roles_to_dict(review.roles),
            "analyses": [_settings_of(report.settings) for report in review.subgroups],
        },
        "inputs.json": {
            "data": _identity_dict(review.data),
            "model": _identity_dict(review.model) if review.model else None,
        },
        # Findings from other data too: each names its data, so reading it back keeps them apart.
        "findings.json": [finding_to_dict(f) for f in (*review.findings, *review.other_findings)],
        "operating_points.json": {
            "points": [operating_point_to_dict(p) for p in review.operating_points],
            "recommended": review.recommended_point,
        },
        "results.json": metrics_document(review.subgroups, data=review.data, model=review.model),
        "policies.json": policies_entry(review.policies, review.policy_columns, review.evidence),
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name in BUNDLE_ENTRIES:
            text = json.dumps(contents[name], indent=2, ensure_ascii=False, allow_nan=False)
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, text.encode("utf-8"))
    return buffer.getvalue()


# --------------------------------------------------------------------------------------
# Reading (untrusted input)
# --------------------------------------------------------------------------------------


def _refuse(problem: str) -> InvalidInputError:
    return InvalidInputError(
        f"This file is not a usable audit bundle: {problem} An audit bundle is the zip that "
        "Fairness Explorer's Report page exports; export it again, or check you chose the "
        "right file."
    )


def _reject_constant(name: str) -> float:
    raise ValueError(f"{name} is not allowed in a bundle")


def read_bundle(data: bytes) -> AuditBundle:
    """Read and check a bundle (untrusted): only the known JSON entries, size-limited."""
    if len(data) > MAX_BUNDLE_BYTES:
        raise _refuse(
            f"it is {len(data) / 1e6:,.1f} MB; a bundle is at most "
            f"{MAX_BUNDLE_BYTES / 1e6:,.0f} MB."
        )
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError):
        raise _refuse("it is not a zip archive.") from None
    with archive:
        entries = _read_entries(archive)
    try:
        return _bundle_from(entries)
    except FairnessCoreError:
        raise
    except (KeyError, TypeError, ValueError, AttributeError, OverflowError) as exc:
        raise _refuse(f"its content cannot be read ({exc}).") from None


def _read_entries(archive: zipfile.ZipFile) -> dict[str, Any]:
    infos = archive.infolist()
    names = [info.filename for info in infos]
    unexpected = sorted({n for n in names if n not in _KNOWN_ENTRIES})
    if unexpected:
        shown = ", ".join(repr(n) for n in unexpected[:5])
        raise _refuse(f"it holds unexpected entries ({shown}); a bundle holds only JSON files.")
    if len(names) != len(set(names)):
        raise _refuse("it holds the same entry twice.")
    version = _manifest_version(archive) if "manifest.json" in names else BUNDLE_VERSION
    expected: tuple[str, ...] = BUNDLE_ENTRIES
    if isinstance(version, int) and version in _ENTRIES_BY_VERSION:
        expected = _ENTRIES_BY_VERSION[version]
    missing = [n for n in expected if n not in names]
    if missing:
        raise _refuse(f"it lacks {', '.join(missing)}.")
    extra = sorted(n for n in names if n not in expected)
    if extra:
        raise _refuse(
            f"it holds {', '.join(extra)}, which a bundle of format version {version} does "
            "not have."
        )
    total = 0
    entries: dict[str, Any] = {}
    for info in infos:
        if info.flag_bits & 0x1:
            raise _refuse(f"{info.filename} is encrypted.")
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise _refuse(f"{info.filename} uses an unsupported compression.")
        if info.file_size > MAX_ENTRY_BYTES:
            raise _refuse(f"{info.filename} unpacks to more than {MAX_ENTRY_BYTES / 1e6:,.0f} MB.")
        try:
            with archive.open(info) as handle:
                raw = handle.read(MAX_ENTRY_BYTES + 1)
        except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError):
            raise _refuse(f"{info.filename} is damaged.") from None
        if len(raw) > MAX_ENTRY_BYTES:
            raise _refuse(f"{info.filename} unpacks to more than {MAX_ENTRY_BYTES / 1e6:,.0f} MB.")
        total += len(raw)
        if total > MAX_UNPACKED_BYTES:
            raise _refuse(f"it unpacks to more than {MAX_UNPACKED_BYTES / 1e6:,.0f} MB.")
        try:
            entries[info.filename] = json.loads(
                raw.decode("utf-8"), parse_constant=_reject_constant
            )
        except (UnicodeDecodeError, ValueError, RecursionError):
            raise _refuse(f"{info.filename} is not valid JSON.") from None
    return entries


def _manifest_version(archive: zipfile.ZipFile) -> object:
    """The format version the manifest names (None when it cannot be read: refused later)."""
    try:
        info = archive.getinfo("manifest.json")
        if info.file_size > MAX_ENTRY_BYTES or info.flag_bits & 0x1:
            return None
        with archive.open(info) as handle:
            manifest = json.loads(handle.read(MAX_ENTRY_BYTES + 1).decode("utf-8"))
    except (KeyError, zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError,
            UnicodeDecodeError, RecursionError):  # fmt: skip
        return None
    return manifest.get("version") if isinstance(manifest, dict) else None


def _points_from(entries: Mapping[str, Any]) -> tuple[tuple[OperatingPointRecord, ...], str | None]:
    """The operating points and the recommended id, from a version 2 or a version 1 bundle."""
    if "operating_points.json" not in entries:
        point = entries["operating_point.json"]
        return ((operating_point_from_dict(point),) if point else ()), None
    section = entries["operating_points.json"]
    if not isinstance(section, dict) or not isinstance(section.get("points"), list):
        raise ValueError("operating_points.json does not list the points")
    if len(section["points"]) > MAX_BUNDLE_POINTS:
        raise _refuse(
            f"it holds {len(section['points']):,} operating points; at most {MAX_BUNDLE_POINTS:,}."
        )
    points = tuple(operating_point_from_dict(p) for p in section["points"])
    recommended = section.get("recommended")
    if recommended is not None and not any(p.id == str(recommended) for p in points):
        raise ValueError("the recommended operating point is not among the points")
    return points, None if recommended is None else str(recommended)


def _identity_from(data: Mapping[str, Any]) -> FileIdentity:
    sha = str(data["sha256"])
    if len(sha) != 64 or any(c not in "0123456789abcdef" for c in sha):
        raise ValueError(f"{sha!r} is not a SHA-256 hash")
    rows = data.get("rows")
    audited = data.get("audited_rows")
    return FileIdentity(
        name=str(data["file"]),
        sha256=sha,
        rows=_row_count(rows, "rows"),
        audited_rows=_row_count(audited, "audited_rows"),
        kind=str(data.get("kind") or ""),
    )


def _row_count(value: object, key: str) -> int | None:
    """A bundle's row count: None or a whole number from 0 up (never 1e999 or "many")."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"{key} must be a whole number of rows, not {str(value)[:40]}")
    return value


def _report_settings_from(block: Mapping[str, Any]) -> dict[str, Any]:
    """One analysis's settings from the bundle, checked (keys, size of the work asked)."""
    report = dict(block)
    unknown = sorted(set(report) - set(_SETTING_NAMES))
    if unknown:
        raise ValueError(f"unknown report settings {unknown}")
    if isinstance(report.get("reference"), list):
        report["reference"] = tuple(str(v) for v in report["reference"])
    report["attributes"] = tuple(str(a) for a in report["attributes"])
    report["metrics"] = tuple(str(m) for m in report["metrics"])
    n_bootstrap = report.get("n_bootstrap", 0)
    if isinstance(n_bootstrap, int) and n_bootstrap > MAX_BUNDLE_BOOTSTRAP:
        raise _refuse(
            f"it asks for {n_bootstrap:,} bootstrap resamples; at most "
            f"{MAX_BUNDLE_BOOTSTRAP:,} are accepted."
        )
    return report


def _bundle_from(entries: Mapping[str, Any]) -> AuditBundle:
    manifest = entries["manifest.json"]
    if not isinstance(manifest, dict) or manifest.get("format") != BUNDLE_FORMAT:
        raise _refuse("its manifest does not name the audit bundle format.")
    if manifest.get("version") not in _ENTRIES_BY_VERSION:
        readable = " and ".join(str(v) for v in _ENTRIES_BY_VERSION)
        raise _refuse(
            f"it has format version {manifest.get('version')!r}; this version of Fairness "
            f"Explorer reads versions {readable}."
        )
    settings = entries["settings.json"]
    if "analyses" in settings:
        blocks = settings["analyses"]
        if not isinstance(blocks, list) or not blocks:
            raise ValueError("settings.json lists no analyses")
    else:  # a bundle made before several analyses existed: one settings block
        blocks = [settings["report"]]
    if len(blocks) > MAX_BUNDLE_ANALYSES:
        raise _refuse(f"it holds {len(blocks):,} analyses; at most {MAX_BUNDLE_ANALYSES:,}.")
    analyses = tuple(_report_settings_from(block) for block in blocks)
    inputs = entries["inputs.json"]
    results = entries["results.json"]
    if not isinstance(results, dict) or any(k not in results for k in COMPARED_KEYS):
        raise ValueError("results.json lacks the audit's numbers")
    points, recommended = _points_from(entries)
    findings = entries["findings.json"]
    if not isinstance(findings, list):
        raise ValueError("findings.json is not a list")
    if len(findings) > MAX_BUNDLE_FINDINGS:
        raise _refuse(f"it holds {len(findings):,} findings; at most {MAX_BUNDLE_FINDINGS:,}.")
    return AuditBundle(
        title=str(manifest.get("title", "")),
        created=str(manifest.get("created", "")),
        versions=tuple((str(k), str(v)) for k, v in dict(manifest.get("versions", {})).items()),
        roles=roles_from_dict(settings["roles"]),
        analyses=analyses,
        data=_identity_from(inputs["data"]),
        model=_identity_from(inputs["model"]) if inputs.get("model") else None,
        findings=tuple(finding_from_dict(f) for f in findings),
        operating_points=points,
        recommended_point=recommended,
        results=results,
        policies=(
            policies_from_entry(entries["policies.json"])
            if "policies.json" in entries
            else BundledPolicies()
        ),
    )


# --------------------------------------------------------------------------------------
# Replay
# --------------------------------------------------------------------------------------


def replay(
    bundle_bytes: bytes,
    data_bytes: bytes,
    data_name: str,
    model_bytes: bytes | None = None,
    *,
    model_name: str | None = None,
    policy: ModelPolicy | None = None,
) -> ReplayResult:
    """Re-run a bundle's audit on the given files and compare every number with the bundle.

    Raises :class:`ReplayRefusedError` when the data or model is not the file the bundle
    was made from (SHA-256), or a model is needed and missing.
    """
    bundle = read_bundle(bundle_bytes)
    _check_same("data", data_name, data_bytes, bundle.data)
    needs_model = bundle.roles.source == "model"
    if model_bytes is None and needs_model:
        recorded = bundle.model
        named = f" '{recorded.name}' (SHA-256 {recorded.sha256})" if recorded else ""
        raise ReplayRefusedError(
            f"This audit scored the data with the model{named}. Give the model file too "
            "(--model FILE)."
        )
    if model_bytes is not None:
        if bundle.model is None:
            raise ReplayRefusedError(
                "This audit used no model file, but one was given. Replay without the model."
            )
        _check_same("model", model_name or bundle.model.name, model_bytes, bundle.model)
    dataset = load_dataset(data_bytes, filename=data_name)
    if bundle.roles.column_names:  # a file without a header row, named by the reviewer
        dataset = name_columns(dataset, bundle.roles.column_names)
    model = None
    if model_bytes is not None and needs_model:
        model = load_model(
            model_bytes,
            filename=model_name or (bundle.model.name if bundle.model else "model"),
            policy=policy or ModelPolicy(),
        )
    audit = check_audit_data(dataset.frame, bundle.roles, model=model)
    reports = [compute_subgroup_report(audit, **dict(block)) for block in bundle.analyses]
    document = metrics_document(reports, data=identify_data(dataset, audit), model=bundle.model)
    # The data's name may differ (a renamed copy with the same content is the same data).
    replayed = json.loads(json.dumps(document, allow_nan=False))
    replayed["data"]["file"] = bundle.results["data"].get("file")
    differences: list[str] = []
    counter = [0]
    compared = [*COMPARED_KEYS]
    if ANALYSES_KEY in bundle.results or ANALYSES_KEY in replayed:
        compared.append(ANALYSES_KEY)
    for key in compared:
        _compare(bundle.results.get(key), replayed.get(key), key, differences, counter)
    if bundle.policies.policies:
        document["policies"] = replay_policies(bundle.policies, audit)
        again = json.loads(json.dumps(document["policies"], allow_nan=False))
        _compare(bundle.policies.results, again, "policies", differences, counter)
    return ReplayResult(
        identical=not differences,
        compared=counter[0],
        differences=tuple(differences),
        document=document,
        bundle=bundle,
        versions=package_versions(),
    )


def _check_same(what: str, name: str, content: bytes, expected: FileIdentity) -> None:
    actual = hashlib.sha256(content).hexdigest()
    if actual != expected.sha256:
        raise ReplayRefusedError(
            f"The {what} file '{name}' is not the {what} file this audit was made with. "
            f"Its SHA-256 is {actual}; the bundle expects {expected.sha256} (the file "
            f"'{expected.name}'). Replay with the original {what} file; if the {what} has "
            "changed on purpose, run a new audit on it instead of replaying this one."
        )


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _compare(before: Any, after: Any, path: str, out: list[str], counter: list[int]) -> None:
    """Append a line for every value that differs between the bundle and the replay."""
    if isinstance(before, dict) and isinstance(after, dict):
        for key in list(dict.fromkeys([*before, *after])):
            where = f"{path}.{key}"
            if key not in after:
                out.append(f"{where}: in the bundle, missing from the replay")
            elif key not in before:
                out.append(f"{where}: in the replay, missing from the bundle")
            else:
                _compare(before[key], after[key], where, out, counter)
        return
    if isinstance(before, list) and isinstance(after, list):
        if len(before) != len(after):
            out.append(f"{path}: {len(before)} entries in the bundle, {len(after)} in the replay")
        for index, (a, b) in enumerate(zip(before, after, strict=False)):
            _compare(a, b, f"{path}[{index}]", out, counter)
        return
    if _is_number(before) and _is_number(after):
        counter[0] += 1
        if before != after and not (math.isnan(before) and math.isnan(after)):
            out.append(f"{path}: {before!r} in the bundle, {after!r} in the replay")
        return
    if before != after:
        out.append(f"{path}: {before!r} in the bundle, {after!r} in the replay")
