"""Write the malformed and hostile input files used by tests/core/test_bad_inputs.py.

Run from the repository root: `.venv/bin/python tests/data/bad_inputs/make_corpus.py`.
The files are committed; this script documents how each was made.
"""

from __future__ import annotations

import codecs
import io
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
HEADER = "id,gender,score,pred,y\n"


def rows(n: int, *, gender=lambda i: "female" if i % 2 else "male") -> str:
    return "".join(
        f"{i},{gender(i)},{(i % 10) / 10:.1f},{i % 2},{(i // 2) % 2}\n" for i in range(n)
    )


def main() -> None:
    files: dict[str, bytes] = {
        "empty.csv": b"",
        "whitespace_only.csv": b"  \n\n  \n",
        "header_only.csv": HEADER.encode(),
        "one_column.csv": b"applicants\nalice\nbob\ncarol\n",
        "ragged_rows.csv": (HEADER + rows(6) + "6,female,0.3\n7,male,0.4,1,0,extra\n").encode(),
        "semicolon_decimal_comma.csv": (
            "id;gender;score;pred;y\n"
            + "".join(
                f"{i};{'female' if i % 2 else 'male'};0,{i % 10};{i % 2};{i % 2}\n"
                for i in range(8)
            )
        ).encode(),
        "latin1_names.csv": (
            "id,genre,région,score,y\n1,féminin,Île-de-France,0.2,1\n2,masculin,Provence,0.7,0\n"
        ).encode("latin-1"),
        "utf8_bom.csv": b"\xef\xbb\xbf" + (HEADER + rows(4)).encode(),
        "png_renamed.csv": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01" + bytes(64),
        "zip_renamed.csv": _zip_bytes(),
        "text_named.xlsx": (HEADER + rows(4)).encode(),
        "text_named.parquet": (HEADER + rows(4)).encode(),
        "duplicate_columns.csv": (b"id,gender,score,gender,y\n1,female,0.2,f,1\n2,male,0.6,m,0\n"),
        "target_one_class.csv": (
            HEADER + "".join(f"{i},male,0.{i},1,1\n" for i in range(6))
        ).encode(),
        "target_three_values.csv": (
            HEADER
            + "".join(f"{i},male,0.{i},1,{['low', 'mid', 'high'][i % 3]}\n" for i in range(6))
        ).encode(),
        "scores_out_of_range.csv": (
            HEADER + "".join(f"{i},female,{i * 12.5},{i % 2},{i % 2}\n" for i in range(6))
        ).encode(),
        "scores_as_text.csv": (
            HEADER
            + "".join(
                f"{i},female,{'high' if i % 2 else 'low'},{i % 2},{i % 2}\n" for i in range(6)
            )
        ).encode(),
        "prediction_not_binary.csv": (
            HEADER + "".join(f"{i},female,0.{i},{i},{i % 2}\n" for i in range(6))
        ).encode(),
        "protected_many_levels.csv": (HEADER + rows(400, gender=lambda i: f"person_{i}")).encode(),
        "protected_numeric.csv": (
            "id,age,score,pred,y\n"
            + "".join(f"{i},{18 + i},{(i % 10) / 10:.1f},{i % 2},{i % 2}\n" for i in range(40))
        ).encode(),
        "protected_missing.csv": (
            HEADER + rows(6, gender=lambda i: "" if i == 3 else "male" if i % 2 else "female")
        ).encode(),
        "html_in_names.csv": (
            b'id,"<script>alert(1)</script>",score,pred,y\n'
            b'1,"<img src=x onerror=alert(2)>",0.2,0,1\n2,"[click](javascript:alert(3))",0.8,1,0\n'
        ),
        "unclosed_quote.csv": (HEADER + '1,"female,0.2,1,1\n2,male,0.4,0,0\n').encode(),
    }
    files["type_name_shell.skops"] = _skops_with_type_name("nan_to_num $(touch X) ; touch Y #")
    files["utf16_no_bom.csv"] = (HEADER + rows(6)).encode("utf-16-le")
    files["utf32_bom.csv"] = codecs.BOM_UTF32_LE + (HEADER + rows(6)).encode("utf-32-le")
    # 300 KB of clean rows, then one value holding a NUL byte: past the 256 KB sniffed.
    files["nul_after_256kb.csv"] = (HEADER + rows(14_000) + "14000,fe\x00male,0.5,1,1\n").encode()
    files["invisible_groups.csv"] = (
        HEADER
        + rows(
            12,
            gender=lambda i: ["male", "ma\u200ble", "female", "\u202efemale"][i % 4],
        )
    ).encode()
    files["duplicate_names.parquet"] = _parquet(
        {"gender": ["f", "m"], "y": [1, 0]}, names=["gender", "gender"]
    )
    files["nested_columns.parquet"] = _nested_parquet()
    files["many_rows.parquet"] = _parquet({"gender": ["f", "m"] * 1000, "y": [1, 0] * 1000})
    files["unpacks_big.xlsx"] = _zip_bomb()
    files["loop_forever.onnx"] = _onnx_model("loop")
    files["repeated_entry.skops"] = _skops_repeated_entry()
    files["huge_shape.onnx"] = _onnx_model("huge")
    files["three_classes.onnx"] = _onnx_model("three")
    for name, payload in files.items():
        (HERE / name).write_bytes(payload)


def _parquet(columns: dict[str, list[object]], *, names: list[str] | None = None) -> bytes:
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.Table.from_arrays(
        [pa.array(v) for v in columns.values()], names=names or list(columns)
    )
    buffer = io.BytesIO()
    pq.write_table(table, buffer)
    return buffer.getvalue()


def _nested_parquet() -> bytes:
    """Plain columns plus a list, a struct and a map column (which no role can use)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    n = 8
    table = pa.table(
        {
            "id": list(range(n)),
            "gender": ["female" if i % 2 else "male" for i in range(n)],
            "score": [i / 10 for i in range(n)],
            "y": [i // 2 % 2 for i in range(n)],
            "tags": [["a", "b"][: i % 3] for i in range(n)],
            "address": [{"city": "X", "zip": str(i)} for i in range(n)],
            "attributes": pa.array(
                [[("k", str(i))] for i in range(n)], type=pa.map_(pa.string(), pa.string())
            ),
        }
    )
    buffer = io.BytesIO()
    pq.write_table(table, buffer)
    return buffer.getvalue()


def _skops_repeated_entry() -> bytes:
    """A skops list of 8 arrays whose schema points all 8 at one 2.4 MB stored array."""
    import json

    import numpy as np
    import skops.io as sio

    arrays = [np.zeros(300_000) for _ in range(8)]
    with zipfile.ZipFile(io.BytesIO(sio.dumps(arrays))) as source:
        entries = {name: source.read(name) for name in source.namelist()}
    schema = json.loads(entries.pop("schema.json"))
    first = schema["content"][0]["file"]
    for node in schema["content"]:
        entries.pop(node["file"], None)
        node["file"] = first
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(zipfile.ZipInfo("schema.json", (2026, 1, 1, 0, 0, 0)), json.dumps(schema))
        info = zipfile.ZipInfo(first, (2026, 1, 1, 0, 0, 0))
        info.compress_type = zipfile.ZIP_DEFLATED
        archive.writestr(info, _npy(arrays[0]))
    return buffer.getvalue()


def _npy(array: object) -> bytes:
    import numpy as np

    buffer = io.BytesIO()
    np.save(buffer, array, allow_pickle=False)
    return buffer.getvalue()


def _onnx_model(kind: str) -> bytes:
    """Softmax(X) as probabilities, plus a 10^12-step Loop, a 20,000² tensor, or 3 classes."""
    import numpy as np
    from onnx import TensorProto, helper, numpy_helper

    width = 3 if kind == "three" else 2
    nodes = [helper.make_node("Softmax", ["X"], ["probabilities"], axis=1)]
    if kind == "loop":
        body = helper.make_graph(
            [helper.make_node("Identity", ["cond_in"], ["cond_out"])],
            "body",
            [
                helper.make_tensor_value_info("i", TensorProto.INT64, []),
                helper.make_tensor_value_info("cond_in", TensorProto.BOOL, []),
            ],
            [helper.make_tensor_value_info("cond_out", TensorProto.BOOL, [])],
        )
        steps = numpy_helper.from_array(np.array(10**12, dtype=np.int64), "steps")
        go = numpy_helper.from_array(np.array(True), "go")
        nodes += [
            helper.make_node("Constant", [], ["M"], value=steps),
            helper.make_node("Constant", [], ["cond"], value=go),
            helper.make_node("Loop", ["M", "cond"], [], body=body, name="spin"),
        ]
    if kind == "huge":
        shape = numpy_helper.from_array(np.array([20_000, 20_000], dtype=np.int64), "shape")
        nodes += [
            helper.make_node("Constant", [], ["S"], value=shape),
            helper.make_node("ConstantOfShape", ["S"], ["big"], name="fill"),
        ]
    graph = helper.make_graph(
        nodes,
        kind,
        [helper.make_tensor_value_info("X", TensorProto.FLOAT, [None, width])],
        [helper.make_tensor_value_info("probabilities", TensorProto.FLOAT, [None, width])],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    return model.SerializeToString()


def _zip_bomb() -> bytes:
    """A 3 KB .xlsx-named zip whose one sheet unpacks to 3 MB of spaces."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        info = zipfile.ZipInfo("xl/worksheets/sheet1.xml", (2026, 1, 1, 0, 0, 0))
        info.compress_type = zipfile.ZIP_DEFLATED
        archive.writestr(info, b" " * 3_000_000)
    return buffer.getvalue()


def _skops_with_type_name(function_name: str) -> bytes:
    """A skops file whose FunctionTransformer names a type that is not a Python name."""
    import numpy as np
    import skops.io as sio
    from sklearn.preprocessing import FunctionTransformer

    with zipfile.ZipFile(io.BytesIO(sio.dumps(FunctionTransformer(np.nan_to_num)))) as source:
        entries = {name: source.read(name) for name in source.namelist()}
    schema = entries["schema.json"].decode().replace('"nan_to_num"', f'"{function_name}"')
    entries["schema.json"] = schema.encode()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, payload in sorted(entries.items()):
            archive.writestr(zipfile.ZipInfo(name, (2026, 1, 1, 0, 0, 0)), payload)
    return buffer.getvalue()


def _zip_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        # A fixed timestamp keeps the archive byte-identical between runs.
        archive.writestr(zipfile.ZipInfo("data.csv", (2026, 1, 1, 0, 0, 0)), HEADER + rows(4))
    return buffer.getvalue()


if __name__ == "__main__":
    main()
