"""The `fairness-explorer` command line.

``fairness-explorer app`` starts the web app on this machine (127.0.0.1). The options
that widen what the app will load — pickle files, extra skops types — exist only here,
so an operator decides them when starting the app and no click in the browser can.

``fairness-explorer audit`` audits a file headlessly and prints the subgroup report as
JSON, CSV or Markdown. Exit codes: 0 when every ``--fail-on`` rule passes and every
``--policy`` is met, 1 when one fails, 2 when the input cannot be audited (with a message
saying why, never a traceback). ``fairness-explorer policies`` lists the built-in policies.

``fairness-explorer replay BUNDLE --data FILE [--model FILE]`` re-runs an audit bundle
exported from the Report page on the original files. Exit codes: 0 when every number
matches the bundle, 1 when some differ, 2 when a file's SHA-256 differs from the bundle's
or the input cannot be read.

``fairness-explorer monitor --data 'decisions/*.parquet' --time-column decided_at --period
month --protected race ...`` monitors a decision log period by period. Exit codes: 0 when no
group got detectably worse, 1 with an alert (each printed as a sentence), 2 on bad input.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from fairness_core.cli._policies import (
    add_policies_command,
    add_policy_options,
    load_policies,
    policy_columns,
    policy_lines,
    run_policies,
)
from fairness_core.cli._serve import APP_FILE, app_command, serve

# Only what building the parser needs is imported here, from modules that import neither
# pandas nor numpy: `fairness-explorer audit --help` answers at once. Each command imports
# the rest where it runs.
from fairness_core.data import (
    MAX_CELLS_ENV,
    MAX_ROWS_ENV,
    MAX_UNPACKED_MB_ENV,
    DataLimits,
    load_data_limits,
    nested_parquet_columns,
)
from fairness_core.errors import (
    DataLimitError,
    FairnessCoreError,
    InvalidInputError,
    ValidationFailedError,
)
from fairness_core.escaping import reveal_invisible
from fairness_core.models import (
    MEMORY_LIMIT_ENV,
    TIME_LIMIT_ENV,
    ModelLimits,
)
from fairness_core.reviews import (
    MAX_FILE_MB_ENV,
    SHARED_ENV,
    STORE_PATH_ENV,
    max_file_bytes_from_mb,
)

if TYPE_CHECKING:
    from fairness_core.engines import DataSource
    from fairness_core.models import ModelPolicy

__all__ = ["build_parser", "main"]

#: Added when the memory engine refuses data over the row or cell limit.
DUCKDB_HINT = (
    "Or run with --engine duckdb, which counts the rows without loading them into memory "
    "(the row and cell limits are for data read into memory)."
)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser for every subcommand."""
    parser = argparse.ArgumentParser(
        prog="fairness-explorer",
        description="See how a machine-learning model treats different groups of people.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    app = sub.add_parser("app", help="start the web app on this machine")
    app.add_argument("--port", type=int, default=8501, help="port to serve on (default 8501)")
    app.add_argument(
        "--allow-pickle",
        action="store_true",
        help="also load pickle/joblib model files. Pickle files can run any code when "
        "opened: use only on your own machine, alone, with files you made yourself.",
    )
    _add_trust_type(app)
    _add_review_options(app)
    app.add_argument(
        "--server-data",
        action="append",
        default=[],
        metavar="DIR",
        help="a folder whose CSV and Parquet files and folders reviewers may audit from the "
        "app without uploading them (repeatable); without it the app offers no server data",
    )
    _add_audit(sub)
    _add_replay(sub)
    _add_monitor(sub)
    add_policies_command(sub)
    return parser


def _add_trust_type(command: argparse.ArgumentParser) -> None:
    _add_limits(command)
    command.add_argument(
        "--trust-type",
        action="append",
        default=[],
        metavar="TYPE",
        help="allow one extra type inside skops model files (repeatable), e.g. "
        "xgboost.sklearn.XGBClassifier. Only for files from authors you trust.",
    )


def _add_limits(command: argparse.ArgumentParser) -> None:
    defaults = ModelLimits()
    command.add_argument(
        "--model-time-limit",
        type=float,
        metavar="SECONDS",
        help="longest time one model may take to load or to score the data, in seconds "
        f"(default {defaults.time_seconds:g}, or {TIME_LIMIT_ENV})",
    )
    command.add_argument(
        "--model-memory-limit",
        type=int,
        metavar="MB",
        help="most memory the process that runs a model may use, in megabytes "
        f"(default {defaults.memory_mb}, or {MEMORY_LIMIT_ENV})",
    )

    data = DataLimits()
    command.add_argument(
        "--max-rows",
        type=int,
        metavar="N",
        help=f"most rows a data file may have (default {data.max_rows:_}, or {MAX_ROWS_ENV})",
    )
    command.add_argument(
        "--max-cells",
        type=int,
        metavar="N",
        help="most cells (rows times columns) a data file may have "
        f"(default {data.max_cells:_}, or {MAX_CELLS_ENV})",
    )
    command.add_argument(
        "--max-unpacked-mb",
        type=int,
        metavar="MB",
        help="most megabytes an Excel, Parquet or skops file may unpack to "
        f"(default {data.max_unpacked_mb:_}, or {MAX_UNPACKED_MB_ENV})",
    )


def _limit_overrides(args: argparse.Namespace) -> dict[str, str]:
    """The limits given as flags, as the environment variables the loaders read."""
    flags = (
        (args.model_time_limit, TIME_LIMIT_ENV),
        (args.model_memory_limit, MEMORY_LIMIT_ENV),
        (args.max_rows, MAX_ROWS_ENV),
        (args.max_cells, MAX_CELLS_ENV),
        (args.max_unpacked_mb, MAX_UNPACKED_MB_ENV),
    )
    return {env: str(value) for value, env in flags if value is not None}


def _limits(args: argparse.Namespace) -> ModelLimits:
    """The model limits: flags first, then the environment, then the defaults.

    Also checks the data limits, so a bad value stops the command before any work.
    """
    from fairness_core.models import load_model_limits

    environ = {**os.environ, **_limit_overrides(args)}
    load_data_limits(environ)
    return load_model_limits(environ)


@contextmanager
def _data_limits_applied(args: argparse.Namespace) -> Iterator[None]:
    """Apply --max-rows, --max-cells and --max-unpacked-mb to the data read in this process.

    ``load_dataset`` reads the operator's limits from the environment when it is given none
    (the app reads them the same way), so the flags are set there for the command's
    duration and the previous values restored after (tests call :func:`main` in-process).
    """
    overrides = {
        env: value
        for env, value in _limit_overrides(args).items()
        if env in (MAX_ROWS_ENV, MAX_CELLS_ENV, MAX_UNPACKED_MB_ENV)
    }
    saved = {env: os.environ.get(env) for env in overrides}
    os.environ.update(overrides)
    try:
        yield
    finally:
        for env, value in saved.items():
            if value is None:
                os.environ.pop(env, None)
            else:
                os.environ[env] = value


def _policy(args: argparse.Namespace) -> ModelPolicy:
    from fairness_core.models import ModelPolicy

    return ModelPolicy(trusted_types=tuple(args.trust_type), limits=_limits(args))


def _say(prefix: str, text: object) -> None:
    """Print a message for the operator: file names and texts never carry terminal codes."""
    print(f"{prefix}{reveal_invisible(text, keep_line_breaks=True)}", file=sys.stderr)


def _add_audit(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    audit = sub.add_parser(
        "audit",
        help="audit a data file and print the subgroup report",
        description="Audit a data file: metrics per group with intervals and verdicts. "
        "Exit code 0 when every --fail-on rule passes and every --policy is met, 1 when one "
        "fails, 2 on bad input.",
    )
    audit.add_argument(
        "--data",
        required=True,
        type=Path,
        help="CSV, Parquet or .xlsx file; or a folder of CSV / Parquet files (hive "
        "partitions such as year=2024/ included) or a pattern in quotes such as "
        "'logs/**/*.parquet'",
    )
    _add_engine(audit)
    audit.add_argument("--model", type=Path, help="skops or ONNX model that scores the rows")
    _add_trust_type(audit)
    audit.add_argument("--target", required=True, help="column with the true outcome")
    audit.add_argument(
        "--positive-label", required=True, help="the target value of the favourable outcome"
    )
    source = audit.add_mutually_exclusive_group()
    source.add_argument("--prediction", help="column with the model's decisions")
    source.add_argument(
        "--score", help="column with the model's scores (0 to 1, or see --score-range)"
    )
    _add_score_scale(audit)
    audit.add_argument(
        "--protected", action="append", required=True, metavar="COL", help="repeatable"
    )
    audit.add_argument(
        "--intersect", action="store_true", help="combine the protected attributes into groups"
    )
    audit.add_argument(
        "--reference",
        action="append",
        default=[],
        metavar="COL=VALUE",
        help="reference group (default: the best-treated group that can be judged, so the "
        "selection-rate ratio is the four-fifths rule's impact ratio)",
    )
    audit.add_argument("--min-n", type=int, default=30, help="people needed to judge a group")
    audit.add_argument(
        "--alpha",
        type=float,
        default=0.05,
        help="significance level: 'adverse impact' needs an adjusted p-value below it "
        "(default 0.05)",
    )
    audit.add_argument("--format", choices=["json", "csv", "md"], default="json")
    audit.add_argument("--out", type=Path, help="write here instead of standard output")
    audit.add_argument(
        "--fail-on",
        action="append",
        default=[],
        metavar="RULE",
        help="e.g. 'disparate_impact_ratio<0.8' or 'equalized_odds_difference>0.1'",
    )
    add_policy_options(audit)


def _add_score_scale(command: argparse.ArgumentParser) -> None:
    """--threshold, --score-range and --higher-score-unfavourable (audit and monitor)."""
    command.add_argument(
        "--threshold",
        type=float,
        default=0.5,
        help="scores at or above get the positive decision (on the 0 to 1 scale the "
        "scores are rescaled to, see --score-range)",
    )
    command.add_argument(
        "--score-range",
        nargs=2,
        type=float,
        metavar=("MIN", "MAX"),
        help="the --score column's own scale, e.g. 1 10 for a decile score: scores are "
        "rescaled to 0 to 1 (default: the scores are already 0 to 1)",
    )
    command.add_argument(
        "--higher-score-unfavourable",
        action="store_true",
        help="a higher --score means the unfavourable decision (e.g. a risk score): scores "
        "are turned round so that 1 is the most favourable",
    )


def _add_engine(command: argparse.ArgumentParser, *, monitor: bool = False) -> None:
    auto = (
        "DuckDB for logs over 256 MB and hive-partitioned folders, memory otherwise"
        if monitor
        else "DuckDB for folders, patterns and files over 256 MB, memory otherwise"
    )
    command.add_argument(
        "--engine",
        choices=["auto", "memory", "duckdb", "spark"],
        default="auto",
        help="where the counts are made: 'memory'; 'duckdb' (files and folders larger than "
        f"memory); 'spark' (a Spark cluster, see --spark-master); 'auto' (default): {auto}",
    )
    command.add_argument(
        "--spark-master",
        metavar="URL",
        help="with --engine spark: a master URL (default local[2]; spark://host:7077, yarn) "
        "or a Spark Connect URL (sc://host:15002)",
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script; returns the process exit code.

    Never a traceback: anything unexpected becomes exit code 2 with a message (1 means
    only "a rule failed" or "numbers differ").
    """
    args = build_parser().parse_args(argv)
    try:
        if args.command == "app":
            return _run_app(args)
        if args.command == "audit":
            with _data_limits_applied(args):
                return _run_audit(args)
        if args.command == "replay":
            with _data_limits_applied(args):
                return _run_replay(args)
        if args.command == "policies":
            return run_policies(args)
        if args.command == "monitor":
            with _data_limits_applied(args):
                return _run_monitor(args)
    except FairnessCoreError as exc:
        _say(f"fairness-explorer {args.command}: ", exc)
    except Exception as exc:  # a bug must not print a traceback at users
        _say(
            f"fairness-explorer {args.command}: ",
            "stopped on an input it could not handle "
            f"({type(exc).__name__}: {str(exc)[:200]}). Check the files are the ones you "
            "meant and not damaged; if they are, report this message to the maintainers.",
        )
    return 2


def _refuse_nested_roles(args: argparse.Namespace) -> None:
    """Parquet list/struct/map columns named as a role get the plain message, not a crash."""
    if args.data.suffix.lower() not in (".parquet", ".pq"):
        return
    try:
        nested = nested_parquet_columns(args.data.read_bytes())
    except OSError:
        return  # run_audit reports the unreadable file
    named = {args.target, args.prediction, args.score, *args.protected}
    chosen = [c for c in nested if c in named]
    if chosen:
        from fairness_core.data import nested_column_message

        raise InvalidInputError(nested_column_message(chosen))


def _run_audit(args: argparse.Namespace) -> int:
    # The report package (plots, PDF) takes seconds to import: only audit and replay need it.
    from fairness_core.report import AuditRequest, render_audit, run_audit

    try:
        _refuse_nested_roles(args)
        references = tuple(_split_reference(text) for text in args.reference)
        outcome = run_audit(
            AuditRequest(
                data=args.data,
                model=args.model,
                target=args.target,
                positive_label=args.positive_label,
                prediction=args.prediction,
                score=args.score,
                threshold=args.threshold,
                score_range=None if args.score_range is None else tuple(args.score_range),
                higher_score_favourable=not args.higher_score_unfavourable,
                protected=tuple(args.protected),
                intersect=args.intersect,
                references=references,
                min_n=args.min_n,
                alpha=args.alpha,
                fail_on=tuple(args.fail_on),
                policy=_policy(args),
                policies=load_policies(args),
                policy_columns=policy_columns(args),
                engine=args.engine,
                spark_master=args.spark_master,
            )
        )
        text = render_audit(outcome, args.format)
        _write_output(text, args.out)
    except FairnessCoreError as exc:
        _say("fairness-explorer audit: ", exc)
        excel = args.data.suffix.lower() in (".xlsx", ".xls")
        if isinstance(exc, DataLimitError) and args.model is None and not excel:
            _say("", DUCKDB_HINT)
        return 2
    except OSError as exc:
        _say("fairness-explorer audit: ", f"cannot write {args.out}: {exc.strerror}")
        return 2
    for result in outcome.rules:
        _say("", result.describe())
    for line in policy_lines(outcome.policy_results):
        _say("", line)
    return 1 if outcome.failed else 0


def _write_output(text: str, out: Path | None) -> None:
    """A command's result: to ``out`` as written, or to the terminal with escapes shown."""
    if out:
        out.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(reveal_invisible(text, keep_line_breaks=True))


def _split_reference(text: str) -> tuple[str, str]:
    column, sep, value = text.partition("=")
    if not sep or not column:
        raise InvalidInputError(
            f"--reference '{text}' cannot be read. Expected COLUMN=VALUE, e.g. gender=male."
        )
    return column, value


#: Where the app keeps reviews, whether everyone sees everyone's, and the file limit: the
#: names :mod:`fairness_core.reviews` reads (see docs/reviews.md).
REVIEWS_PATH_ENV = STORE_PATH_ENV
SHARED_REVIEWS_ENV = SHARED_ENV
REVIEWS_MAX_FILE_ENV = MAX_FILE_MB_ENV


def _add_review_options(app: argparse.ArgumentParser) -> None:
    app.add_argument(
        "--reviews-db",
        metavar="PATH",
        help="the SQLite file reviews are saved in (default: the user's data folder, "
        "e.g. ~/.local/share/fairness-explorer/reviews.sqlite3)",
    )
    app.add_argument(
        "--shared-reviews",
        action="store_true",
        help="a shared workspace: everyone using this app lists and opens every review "
        "(by default a review is private to the browser that made it)",
    )
    app.add_argument(
        "--reviews-max-file-mb",
        type=float,
        metavar="MB",
        help="largest data or model file kept with a review (default 200); bigger files "
        "are asked for again when the review is reopened",
    )


def _review_env(args: argparse.Namespace) -> dict[str, str]:
    """The review options as the environment the server reads (only those given)."""
    env: dict[str, str] = {}
    if args.reviews_db:
        env[REVIEWS_PATH_ENV] = str(Path(args.reviews_db).expanduser().resolve())
    if args.shared_reviews:
        env[SHARED_REVIEWS_ENV] = "1"
    if args.reviews_max_file_mb is not None:
        max_file_bytes_from_mb(args.reviews_max_file_mb)  # refuses a value out of range
        env[REVIEWS_MAX_FILE_ENV] = f"{args.reviews_max_file_mb:g}"
    return env


def _server_data_env(args: argparse.Namespace) -> dict[str, str]:
    """The folders given with --server-data, as the variable the app reads (when given)."""
    if not args.server_data:
        return {}
    from fairness_core.engines import SERVER_DATA_ENV  # here: the engines import pandas

    folders = [Path(d).expanduser().resolve() for d in args.server_data]
    missing = [str(f) for f in folders if not f.is_dir()]
    if missing:
        raise InvalidInputError(
            f"--server-data must name folders. Not a folder: {', '.join(missing)}. Check the path."
        )
    return {SERVER_DATA_ENV: os.pathsep.join(str(f) for f in folders)}


def _run_app(args: argparse.Namespace) -> int:
    if not APP_FILE.exists():
        print(
            f"The app file {APP_FILE} is missing. Run the app from a checkout of the "
            "repository (python3 dev.py run).",
            file=sys.stderr,
        )
        return 2
    from fairness_core.models import ALLOW_PICKLE_ENV, TRUSTED_TYPES_ENV

    env = dict(os.environ)
    env[ALLOW_PICKLE_ENV] = "1" if args.allow_pickle else "0"
    env[TRUSTED_TYPES_ENV] = ",".join(args.trust_type)
    limits = _limits(args)
    env.update(_limit_overrides(args))  # the data limits reach the server this way
    env.update(_review_env(args))
    env.update(_server_data_env(args))
    env[TIME_LIMIT_ENV] = f"{limits.time_seconds:g}"
    env[MEMORY_LIMIT_ENV] = str(limits.memory_mb)
    if args.allow_pickle:
        print(
            "Warning: pickle model files are allowed. Opening one runs its code on this "
            "machine. Load only files you made yourself.",
            file=sys.stderr,
        )
    print(f"Fairness Explorer: open http://127.0.0.1:{args.port} in your browser.", flush=True)
    return serve(app_command(args.port), cwd=APP_FILE.parent, env=env)


def _add_replay(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    replay_cmd = sub.add_parser(
        "replay",
        help="re-run an audit bundle and check it gives the same numbers",
        description="Re-run an audit bundle (exported from the Report page) on the original "
        "files. Exit code 0 when every number matches, 1 when some differ, 2 when a file is "
        "not the one the bundle was made from or cannot be read.",
    )
    replay_cmd.add_argument("bundle", type=Path, metavar="BUNDLE", help="the bundle .zip")
    replay_cmd.add_argument("--data", required=True, type=Path, help="the audited data file")
    replay_cmd.add_argument("--model", type=Path, help="the model file, when the audit used one")
    _add_trust_type(replay_cmd)


def _run_replay(args: argparse.Namespace) -> int:
    from fairness_core.report import MAX_BUNDLE_BYTES, ReplayRefusedError, replay

    try:
        if args.bundle.stat().st_size > MAX_BUNDLE_BYTES:
            raise InvalidInputError(
                f"{args.bundle} is larger than an audit bundle can be "
                f"({MAX_BUNDLE_BYTES / 1e6:,.0f} MB). Check you chose the right file."
            )
        bundle_bytes = args.bundle.read_bytes()
        data_bytes = args.data.read_bytes()
        model_bytes = args.model.read_bytes() if args.model else None
        result = replay(
            bundle_bytes,
            data_bytes,
            args.data.name,
            model_bytes,
            model_name=args.model.name if args.model else None,
            policy=_policy(args),
        )
    except ReplayRefusedError as exc:
        _say("fairness-explorer replay: refused. ", exc)
        return 2
    except FairnessCoreError as exc:
        _say("fairness-explorer replay: ", exc)
        return 2
    except OSError as exc:
        _say(
            "fairness-explorer replay: ",
            f"cannot read {exc.filename}: {exc.strerror}. Check the path and try again.",
        )
        return 2
    print(reveal_invisible(result.describe(), keep_line_breaks=True))
    return 0 if result.identical else 1


def _add_monitor(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    from fairness_core.monitoring import PERIODS

    monitor = sub.add_parser(
        "monitor",
        help="monitor a decision log period by period and alert when a group gets worse",
        description="Monitor a decision log: the subgroup report per period, and each "
        "group's gap to the reference compared with a baseline period. Exit code 0 without "
        "an alert, 1 when a group got detectably worse, 2 on bad input.",
    )
    monitor.add_argument(
        "--data",
        "--log",
        dest="data",
        action="append",
        required=True,
        metavar="FILES",
        help="a CSV or Parquet file, a folder of them (hive partitions such as year=2024/ "
        "included), or a pattern in quotes such as 'logs/**/*.parquet' (repeatable)",
    )
    _add_engine(monitor, monitor=True)
    monitor.add_argument(
        "--baseline-data",
        metavar="FILES",
        help="compare two files instead: this one (the baseline) and --data (the current one)",
    )
    when = monitor.add_mutually_exclusive_group()
    when.add_argument("--time-column", help="column with the date of each decision")
    when.add_argument("--period-column", help="column that already names each row's period")
    monitor.add_argument("--period", choices=PERIODS, default="month", help="default: month")
    monitor.add_argument(
        "--baseline",
        default="first",
        help="compare each period with 'first' (default), 'previous', or a named period "
        "such as 2026-03",
    )
    monitor.add_argument(
        "--target", default="", help="column with the true outcome (empty while not known)"
    )
    monitor.add_argument(
        "--positive-label",
        help="the value of the favourable outcome (and, without --target, of the decision)",
    )
    source = monitor.add_mutually_exclusive_group(required=True)
    source.add_argument("--prediction", help="column with the model's decisions")
    source.add_argument(
        "--score", help="column with the model's scores (0 to 1, or see --score-range)"
    )
    _add_score_scale(monitor)
    monitor.add_argument(
        "--protected", action="append", required=True, metavar="COL", help="repeatable"
    )
    monitor.add_argument(
        "--intersect", action="store_true", help="combine the protected attributes into groups"
    )
    monitor.add_argument(
        "--reference",
        action="append",
        default=[],
        metavar="COL=VALUE",
        help="the group every gap is measured from (default: the largest group in the log)",
    )
    monitor.add_argument(
        "--metric",
        action="append",
        default=[],
        help="metric to monitor (repeatable; default selection_rate, true_positive_rate and "
        "false_positive_rate, or selection_rate alone without --target)",
    )
    monitor.add_argument(
        "--min-n", type=int, default=30, help="people needed per group and period to judge"
    )
    monitor.add_argument(
        "--alpha",
        type=float,
        default=0.05,
        help="the chance of any false alarm in one run, over every period, group and metric "
        "(default 0.05)",
    )
    monitor.add_argument("--format", choices=["json", "md", "html"], default="json")
    monitor.add_argument("--out", type=Path, help="write here instead of standard output")
    _add_limits(monitor)


def _run_monitor(args: argparse.Namespace) -> int:
    from fairness_core.data import ColumnRoles
    from fairness_core.monitoring import (
        DecisionLog,
        MonitorSettings,
        check_monitoring_data,
        compute_monitoring,
        load_baseline_and_current,
        load_decision_log,
        render_monitoring,
    )

    try:
        if len(args.protected) > 1 and not args.intersect:
            raise InvalidInputError(
                f"Several protected attributes were given ({', '.join(args.protected)}). "
                "Expected one, or --intersect to monitor their combinations. Run monitor once "
                "per attribute, or add --intersect."
            )
        source = _monitor_engine_source(args)

        def load() -> DecisionLog:
            if args.baseline_data:
                if len(args.data) > 1:
                    raise InvalidInputError(
                        "With --baseline-data, give --data once (the current file or pattern)."
                    )
                return load_baseline_and_current(args.baseline_data, args.data[0])
            return load_decision_log(
                args.data,
                time_column=args.time_column,
                period_column=args.period_column,
                period=args.period,
            )

        if not args.baseline_data and not args.time_column and not args.period_column:
            raise InvalidInputError(
                "monitor needs --time-column (the date of each decision) or "
                "--period-column (a column naming each row's period), or two files "
                "with --baseline-data and --data. Add one of those."
            )
        if (args.score_range is not None or args.higher_score_unfavourable) and not args.score:
            raise InvalidInputError(
                "--score-range and --higher-score-unfavourable describe a --score column, "
                "and no --score was given. Expected --score COLUMN with them. Add --score, "
                "or drop them."
            )
        attributes = tuple(args.protected)
        references = tuple(_split_reference(text) for text in args.reference)
        reference = _monitor_reference(attributes, references)
        roles = ColumnRoles(
            target=args.target,
            positive_label=args.positive_label,
            protected=attributes,
            source="prediction" if args.prediction else "score",
            prediction=args.prediction,
            score=args.score,
            threshold=args.threshold,
            score_range=None if args.score_range is None else tuple(args.score_range),
            higher_score_favourable=not args.higher_score_unfavourable,
        )
        settings = MonitorSettings(
            attributes=attributes,
            metrics=tuple(args.metric) or None,
            baseline=args.baseline,
            reference=reference,
            min_n=args.min_n,
            alpha=args.alpha,
        )
        if source is not None:
            from fairness_core.engines import monitor_source

            report = monitor_source(
                source, roles, settings, time_column=args.time_column,
                period_column=args.period_column, period=args.period, engine=args.engine,
                spark_master=args.spark_master,
            )  # fmt: skip
        else:
            report = compute_monitoring(check_monitoring_data(load(), roles), settings)
        text = render_monitoring(report, args.format)
        _write_output(text, args.out)
    except FairnessCoreError as exc:
        _say("fairness-explorer monitor: ", _monitor_message(exc))
        if isinstance(exc, DataLimitError) and not args.baseline_data and len(args.data) == 1:
            _say("", DUCKDB_HINT)
        return 2
    except OSError as exc:
        _say("fairness-explorer monitor: ", f"cannot write {args.out}: {exc.strerror}")
        return 2
    for alert in report.alerts:
        _say("ALERT: ", alert.describe())
    if not report.has_alert:
        _say("", f"No alert: no group got detectably worse in {len(report.periods)} periods.")
    return 1 if report.has_alert else 0


def _monitor_message(exc: FairnessCoreError) -> str:
    """The error as the command line says it: validation's problems name monitor's options,
    not the app's pages."""
    if not isinstance(exc, ValidationFailedError):
        return str(exc)
    errors = [p for p in exc.problems if p.severity == "error"]
    noun = "problem" if len(errors) == 1 else "problems"
    lines = [
        "- "
        + p.message()
        .replace("under 'Score scale' on the Data & model page, or with ", "with ")
        .replace(" on the command line.", ".")
        .replace("the page's 'Score scale', or ", "")
        for p in errors
    ]
    return f"The log cannot be monitored yet ({len(errors)} {noun}):\n" + "\n".join(lines)


def _monitor_engine_source(args: argparse.Namespace) -> DataSource | None:
    """The one source to monitor on an engine, or None for the memory path (several
    --data, --baseline-data, or a small log with --engine auto)."""
    from fairness_core.engines import choose_monitor_engine, open_source

    if args.engine == "memory":
        return None
    if args.baseline_data or len(args.data) > 1:
        if args.engine == "auto":
            return None
        raise InvalidInputError(
            f"--engine {args.engine} monitors one log: give --data once (a file, a folder or "
            "a pattern such as 'logs/**/*.parquet') and no --baseline-data. Or use "
            "--engine memory to compare several sources."
        )
    try:
        source = open_source(args.data[0])
    except InvalidInputError:
        if args.engine == "auto":
            return None  # the memory path says what is wrong, as it always has
        raise
    return None if choose_monitor_engine(source, args.engine) == "memory" else source


def _monitor_reference(
    attributes: tuple[str, ...], references: tuple[tuple[str, str], ...]
) -> Literal["largest"] | tuple[str, ...]:
    """The fixed reference group: named by --reference (a value for every attribute)."""
    if not references:
        return "largest"
    chosen = dict(references)
    missing = [a for a in attributes if a not in chosen]
    extra = [c for c in chosen if c not in attributes]
    if missing or extra:
        raise InvalidInputError(
            "--reference must give one value for each protected attribute, e.g. "
            + " ".join(f"--reference {a}=VALUE" for a in attributes)
            + f". Got {', '.join(f'{c}={v}' for c, v in references)}."
        )
    return tuple(chosen[a] for a in attributes)


if __name__ == "__main__":
    raise SystemExit(main())
