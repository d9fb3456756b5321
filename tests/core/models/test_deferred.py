"""defer_model: a shipped model described first and read when it first scores."""

from __future__ import annotations

import pickle
import subprocess
import sys
import threading
from pathlib import Path

import numpy as np
import pytest

from fairness_core.data import get_demo, list_demos
from fairness_core.errors import ModelLoadError
from fairness_core.models import _deferred as deferred_module
from fairness_core.models import defer_model, load_model, model_is_loaded

DEMOS = [d.name for d in list_demos()]
ROOT = Path(__file__).resolve().parents[3]


@pytest.mark.parametrize("name", DEMOS)
def test_open_model_is_the_demo_model_read_on_first_score(name: str) -> None:
    """Same description as load_model (so equal), same scores, the file read only then."""
    demo = get_demo(name)
    eager = demo.load_model()
    lazy = demo.open_model()
    assert lazy == eager  # name, kind, digest, input columns, classes
    assert not model_is_loaded(lazy)
    assert model_is_loaded(eager)
    frame = demo.load_test().frame
    want = eager.predict_proba(frame)
    got = lazy.predict_proba(frame)
    assert model_is_loaded(lazy)
    np.testing.assert_array_equal(got, want)
    assert type(lazy.estimator) is type(eager.estimator)


def _heavy_modules_after(step: str) -> str:
    """Which of scikit-learn, skops, scipy a fresh interpreter imported after ``step``."""
    code = (
        "import sys\n"
        "from fairness_core.data import get_demo\n"
        "model = get_demo('loan').open_model()\n"
        f"{step}\n"
        "print(sorted(m for m in ('sklearn', 'skops', 'scipy') if m in sys.modules))\n"
    )
    done = subprocess.run(  # noqa: S603 - fixed command line
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_opening_the_demo_model_imports_no_scikit_learn() -> None:
    """The point of deferring: the app's first page does not wait for scikit-learn."""
    assert _heavy_modules_after("assert model.classes == (0, 1)") == "[]"
    assert _heavy_modules_after("model.estimator") == "['scipy', 'sklearn', 'skops']"


def test_a_wrong_description_is_refused_when_the_file_is_read() -> None:
    demo = get_demo("loan")
    wrong = defer_model(demo.model_path, feature_names=demo.features, classes=["no", "yes"])
    frame = demo.load_test().frame
    with pytest.raises(
        ModelLoadError, match=r"not the model the app expected \(different classes\)"
    ):
        wrong.predict_proba(frame)
    with pytest.raises(ModelLoadError, match="different classes"):
        _ = wrong.estimator
    assert not model_is_loaded(wrong)
    columns = defer_model(demo.model_path, feature_names=["income"], classes=[0, 1])
    with pytest.raises(ModelLoadError, match=r"different input columns\)"):
        _ = columns.estimator


def test_a_replaced_file_is_refused(tmp_path: Path) -> None:
    demo = get_demo("loan")
    path = tmp_path / "model.skops"
    path.write_bytes(demo.model_path.read_bytes())
    model = defer_model(path, feature_names=demo.features, classes=[0, 1])
    path.write_bytes(get_demo("credit").model_path.read_bytes())
    with pytest.raises(ModelLoadError, match="different file, input columns"):
        _ = model.estimator


def test_a_missing_file_is_a_plain_message(tmp_path: Path) -> None:
    with pytest.raises(ModelLoadError, match="could not be read"):
        defer_model(tmp_path / "gone.skops", feature_names=None, classes=[0, 1])


def test_sessions_reading_at_once_load_the_file_once(monkeypatch: pytest.MonkeyPatch) -> None:
    demo = get_demo("loan")
    calls: list[object] = []

    def counting_load(*args: object, **kwargs: object) -> object:
        calls.append(args)
        return load_model(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(deferred_module, "load_model", counting_load)
    model = demo.open_model()
    threads = [threading.Thread(target=lambda: model.estimator) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(calls) == 1
    assert model_is_loaded(model)


def test_a_deferred_model_pickles() -> None:
    demo = get_demo("loan")
    model = demo.open_model()
    copy = pickle.loads(pickle.dumps(model))
    assert copy == model
    frame = demo.load_test().frame.head(20)
    np.testing.assert_array_equal(copy.predict_proba(frame), model.predict_proba(frame))
