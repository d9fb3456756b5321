"""Hostile and malformed uploads in a real browser: a clear message, no crash, nothing runs."""

from __future__ import annotations

import pickle
from pathlib import Path

import numpy as np
import onnx
import pandas as pd
import pytest
import skops.io as sio
from onnx import TensorProto, numpy_helper
from playwright.sync_api import Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer

from fairness_core.data import load_dataset
from fairness_core.errors import FairnessCoreError
from fairness_core.models import load_model
from tests.e2e.conftest import Server, open_app, screenshot, shown_exceptions, wait_idle

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "tests" / "data" / "bad_inputs"
DEMO_ONNX = ROOT / "demo_data" / "loan" / "model.onnx"


def _choose_uploads(page: Page, server: Server) -> None:
    open_app(page, server)
    page.get_by_text("My own files").click()
    wait_idle(page)


def _upload(page: Page, index: int, name: str, data: bytes) -> None:
    """Upload bytes through the index-th file uploader (0 = data, 1 = model).

    Waits for the upload request itself to finish: starting the next upload earlier makes
    the browser cancel this one (a console error), which a busy machine can otherwise cause.
    """
    uploader = page.locator('input[type="file"]').nth(index)
    file = {"name": name, "mimeType": "application/octet-stream", "buffer": data}
    try:
        with page.expect_response(
            lambda r: "/_stcore/upload_file" in r.url and r.request.method == "PUT",
            timeout=10_000,
        ):
            uploader.set_input_files(file)
    except PlaywrightTimeoutError:
        pass  # refused in the browser (over the size limit, empty): no request is made
    wait_idle(page)


def _first_sentence(message: str) -> str:
    return message.split(". ")[0]


def _core_message(load: object, data: bytes, name: str) -> str:
    """The message the core gives for this file (the page must show the same words)."""
    with pytest.raises(FairnessCoreError) as info:
        load(data, filename=name)  # type: ignore[operator]
    return str(info.value)


class _WritesAFile:
    """Unpickling this object calls open(path, "w"): the file appears if pickle ever runs."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def __reduce__(self) -> tuple[object, tuple[str, str]]:
        return open, (str(self.path), "w")


def test_pickle_payload_is_refused_and_never_runs(
    watched_page: tuple[Page, list[str]], server: Server, tmp_path: Path
) -> None:
    page, errors = watched_page
    marker = tmp_path / "pwned.txt"
    payload = pickle.dumps(_WritesAFile(marker))
    _choose_uploads(page, server)
    _upload(page, 1, "model.pkl", payload)
    expected = _first_sentence(_core_message(load_model, payload, "model.pkl"))
    expect(page.get_by_text(expected).first).to_be_visible()
    assert not marker.exists()
    assert shown_exceptions(page) == []
    assert errors == []


def test_skops_with_an_untrusted_type_is_refused_naming_it(
    watched_page: tuple[Page, list[str]], server: Server
) -> None:
    page, errors = watched_page
    rng = np.random.default_rng(0)
    features = pd.DataFrame({"income": rng.normal(size=60), "age": rng.normal(size=60)})
    model = make_pipeline(FunctionTransformer(np.nan_to_num), LogisticRegression())
    model.fit(features, (features["income"] > 0).astype(int))
    data = sio.dumps(model)
    _choose_uploads(page, server)
    _upload(page, 1, "model.skops", data)
    expect(page.get_by_text("numpy.nan_to_num").first).to_be_visible()
    expect(page.get_by_text(_first_sentence(_core_message(load_model, data, "model.skops"))).first)
    assert shown_exceptions(page) == []
    assert errors == []


def test_onnx_pointing_at_external_data_is_refused(
    watched_page: tuple[Page, list[str]], server: Server, tmp_path: Path
) -> None:
    page, errors = watched_page
    proto = onnx.load_model(str(DEMO_ONNX))
    # onnx only moves tensors stored as raw bytes to the external file: re-encode them so.
    for i, tensor in enumerate(list(proto.graph.initializer)):
        array = numpy_helper.to_array(tensor)
        proto.graph.initializer[i].CopyFrom(numpy_helper.from_array(array, tensor.name))
    path = tmp_path / "model.onnx"
    onnx.save_model(
        proto, str(path), save_as_external_data=True, location="weights.bin", size_threshold=0
    )
    stored = onnx.load_model(str(path), load_external_data=False)
    assert any(t.data_location == TensorProto.EXTERNAL for t in stored.graph.initializer)
    _choose_uploads(page, server)
    _upload(page, 1, "model.onnx", path.read_bytes())
    expect(page.get_by_text("refers to external data files").first).to_be_visible()
    assert shown_exceptions(page) == []
    assert errors == []


def test_html_and_script_in_a_csv_render_as_plain_text(
    watched_page: tuple[Page, list[str]], server: Server
) -> None:
    """Column names and values with markup show as text; no element or script is created."""
    page, errors = watched_page
    data = (CORPUS / "html_in_names.csv").read_bytes().replace(b"alert(2)", b"window.__injected=1")
    _choose_uploads(page, server)
    _upload(page, 0, "html_in_names.csv", data)
    expect(page.get_by_text("Ready to audit").or_(page.get_by_text("No protected attribute")))
    expect(page.get_by_text("<script>alert(1)</script>").first).to_be_visible()
    assert page.locator('img[src="x"]').count() == 0
    assert page.evaluate("window.__injected") is None
    assert page.locator('a[href^="javascript:"]').count() == 0
    screenshot(page, "hostile-html-names")
    assert shown_exceptions(page) == []
    assert errors == []


def _columns_csv(n_columns: int) -> bytes:
    header = ",".join(f"c{i}" for i in range(n_columns))
    row = ",".join("1" for _ in range(n_columns))
    return f"{header}\n{row}\n{row}\n".encode()


def _many_levels_csv(levels: int) -> bytes:
    frame = pd.DataFrame(
        {
            "gender": [f"person_{i}" for i in range(levels)],
            "score": np.linspace(0, 1, levels).round(3),
            "y": np.arange(levels) % 2,
        }
    )
    return frame.to_csv(index=False).encode()


@pytest.mark.parametrize(
    ("name", "make", "advice"),
    [
        ("wide.csv", lambda: _columns_csv(10_000), None),
        ("png_renamed.csv", lambda: (CORPUS / "png_renamed.csv").read_bytes(), None),
        ("levels.csv", lambda: _many_levels_csv(3_000), "has 3,000 distinct values"),
    ],
)
def test_unusable_tables_are_refused_with_advice(
    watched_page: tuple[Page, list[str]],
    server: Server,
    name: str,
    make: object,
    advice: str | None,
) -> None:
    page, errors = watched_page
    data = make()  # type: ignore[operator]
    if advice is None:  # refused when read: the page shows the loader's message
        advice = _first_sentence(_core_message(load_dataset, data, name))
    _choose_uploads(page, server)
    _upload(page, 0, name, data)
    expect(page.get_by_text(advice).first).to_be_visible()
    assert shown_exceptions(page) == []
    assert errors == []


def test_every_corpus_file_gets_a_message_and_no_crash(
    watched_page: tuple[Page, list[str]], server: Server
) -> None:
    """Each malformed file ends in a visible message and never in an exception box."""
    page, errors = watched_page
    _choose_uploads(page, server)
    data_suffixes = (".csv", ".parquet", ".xlsx")  # model files are tested on their own
    files = sorted(p for p in CORPUS.iterdir() if p.suffix in data_suffixes)
    assert len(files) >= 20
    for path in files:
        _upload(page, 0, path.name, path.read_bytes())
        alerts = page.locator('[data-testid="stAlert"]')
        expect(alerts.first).to_be_visible()
        assert shown_exceptions(page) == [], path.name
    assert errors == []


def test_upload_limit_is_explained_and_just_under_it_works(
    watched_page: tuple[Page, list[str]], small_upload_server: Server
) -> None:
    """With a 1 MB limit, a 1.1 MB file is refused with Streamlit's message; 0.9 MB loads."""
    page, errors = watched_page
    frame = pd.DataFrame({"gender": ["female", "male"] * 100_000, "y": [0, 1, 1, 0] * 50_000})
    text = frame.to_csv(index=False).encode()

    assert len(text) > 1_200_000

    def sized(n_bytes: int) -> bytes:
        """The first rows of ``text``, ending at a line break, at most ``n_bytes`` long."""
        cut = text[:n_bytes]
        return cut[: cut.rfind(b"\n") + 1]

    _choose_uploads(page, small_upload_server)
    _upload(page, 0, "too_big.csv", sized(1_150_000))
    expect(page.get_by_text("File must be 1.0MB or smaller").first).to_be_visible()
    _upload(page, 0, "fits.csv", sized(900_000))
    expect(page.get_by_text("Read fits.csv").first).to_be_visible()
    assert shown_exceptions(page) == []
    assert errors == []


def test_a_group_named_like_a_link_is_never_a_link_in_charts(
    watched_page: tuple[Page, list[str]], server: Server
) -> None:
    """plotly.js draws <a href> in chart texts; a crafted group value must stay plain text."""
    page, errors = watched_page
    link = '<a href="https://evil.example/">f</a>'
    frame = pd.DataFrame(
        {
            "gender": [link, "m"] * 50,
            "score": np.linspace(0, 1, 100).round(3),
            "y": [0, 1, 1, 0] * 25,
        }
    )
    _choose_uploads(page, server)
    _upload(page, 0, "links.csv", frame.to_csv(index=False).encode())
    expect(page.get_by_text("Ready to audit 100 rows").first).to_be_visible()
    chart = page.locator('[data-testid="stPlotlyChart"]').first
    expect(chart).to_be_visible()
    expect(chart.get_by_text(link).first).to_be_attached()  # shown, as text
    links = page.locator('a[href*="evil.example"]')
    assert links.count() == 0, links.first.evaluate("e => e.parentElement.outerHTML")
    assert shown_exceptions(page) == []
    assert errors == []


def test_round_two_hostile_files_end_in_clear_messages(
    watched_page: tuple[Page, list[str]], server: Server
) -> None:
    """A shell command as a skops type name is refused as malformed; look-alike groups flagged."""
    page, errors = watched_page
    _choose_uploads(page, server)
    _upload(page, 1, "type_name_shell.skops", (CORPUS / "type_name_shell.skops").read_bytes())
    refusal = page.get_by_text("(malformed: not a Python type name)").first
    expect(refusal).to_be_visible(timeout=60_000)  # the model loads in a worker process
    expect(page.get_by_text("--trust-type")).to_have_count(0)
    _upload(page, 0, "groups.csv", (CORPUS / "invisible_groups.csv").read_bytes())
    warning = page.get_by_text("look the same but differ by invisible characters").first
    expect(warning).to_be_visible()
    expect(warning).to_contain_text("\\u200b")
    screenshot(page, "hostile_round_two")
    assert shown_exceptions(page) == []
    assert errors == []
