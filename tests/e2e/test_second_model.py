"""A model uploaded after a refused one, even while that one still loads, gets its message."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page, expect

from tests.e2e.conftest import Server, open_app, shown_exceptions, wait_idle

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "tests" / "data" / "bad_inputs"


def _put(page: Page, name: str, data: bytes) -> None:
    uploader = page.locator('input[type="file"]').nth(1)
    with page.expect_response(
        lambda r: "/_stcore/upload_file" in r.url and r.request.method == "PUT", timeout=10_000
    ):
        uploader.set_input_files(
            {"name": name, "mimeType": "application/octet-stream", "buffer": data}
        )


def test_second_model_while_the_first_is_still_loading(
    watched_page: tuple[Page, list[str]], server: Server
) -> None:
    """Refused pickle, then a refused skops replaced half a second later by a good ONNX."""
    page, errors = watched_page
    open_app(page, server)
    page.get_by_text("My own files").click()
    wait_idle(page)
    _put(page, "pickled.pkl", b"\x80\x04K\x01.")
    expect(page.get_by_text("pickle").first).to_be_visible(timeout=60_000)
    wait_idle(page)
    _put(page, "bad2.skops", (CORPUS / "type_name_shell.skops").read_bytes())
    page.wait_for_timeout(500)
    _put(page, "good2.onnx", (ROOT / "demo_data" / "loan" / "model.onnx").read_bytes())
    expect(page.get_by_text("Loaded the model good2.onnx").first).to_be_visible(timeout=60_000)
    assert shown_exceptions(page) == []
    assert errors == []
