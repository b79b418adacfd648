"""A plain numpy forward pass of BERT plus sentence-transformers' mean pooling.

This is the reference the converted ONNX model is checked against. It follows
Hugging Face's BertModel (post-LayerNorm encoder, exact erf GELU, additive
attention mask) and sentence-transformers' Pooling (mean over real tokens)
and Normalize (L2) modules, in float64 so that its own rounding is negligible.
"""

import math

import numpy as np


def _erf(x: np.ndarray) -> np.ndarray:
    # numpy has no erf; math.erf is exact to double precision.
    return np.vectorize(math.erf, otypes=[np.float64])(x)


def _layer_norm(x: np.ndarray, weight: np.ndarray, bias: np.ndarray, eps: float) -> np.ndarray:
    mean = x.mean(axis=-1, keepdims=True)
    var = ((x - mean) ** 2).mean(axis=-1, keepdims=True)
    return (x - mean) / np.sqrt(var + eps) * weight + bias


def _linear(x: np.ndarray, tensors: dict, name: str) -> np.ndarray:
    # PyTorch Linear stores weight as [out, in].
    return x @ tensors[f"{name}.weight"].T + tensors[f"{name}.bias"]


def bert_last_hidden_state(
    tensors: dict[str, np.ndarray],
    config: dict,
    input_ids: np.ndarray,
    attention_mask: np.ndarray,
) -> np.ndarray:
    """Token vectors [batch, tokens, hidden] of BertModel for int arrays [batch, tokens]."""
    t = {k: v.astype(np.float64) for k, v in tensors.items() if v.dtype != np.int64}
    eps = config["layer_norm_eps"]
    heads = config["num_attention_heads"]
    batch, length = input_ids.shape
    hidden = (
        t["embeddings.word_embeddings.weight"][input_ids]
        + t["embeddings.position_embeddings.weight"][np.arange(length)][None]
        + t["embeddings.token_type_embeddings.weight"][np.zeros_like(input_ids)]
    )
    hidden = _layer_norm(hidden, t["embeddings.LayerNorm.weight"], t["embeddings.LayerNorm.bias"], eps)
    width = hidden.shape[-1]
    head_dim = width // heads
    # Masked keys get the most negative float32, as BertModel's extended mask does.
    additive = (1.0 - attention_mask[:, None, None, :].astype(np.float64)) * np.finfo(np.float32).min
    for layer in range(config["num_hidden_layers"]):
        p = f"encoder.layer.{layer}"

        def split(x: np.ndarray) -> np.ndarray:
            return x.reshape(batch, length, heads, head_dim).transpose(0, 2, 1, 3)

        q = split(_linear(hidden, t, f"{p}.attention.self.query"))
        k = split(_linear(hidden, t, f"{p}.attention.self.key"))
        v = split(_linear(hidden, t, f"{p}.attention.self.value"))
        scores = q @ k.transpose(0, 1, 3, 2) / math.sqrt(head_dim) + additive
        scores -= scores.max(axis=-1, keepdims=True)
        weights = np.exp(scores)
        weights /= weights.sum(axis=-1, keepdims=True)
        context = (weights @ v).transpose(0, 2, 1, 3).reshape(batch, length, width)
        attended = _linear(context, t, f"{p}.attention.output.dense")
        hidden = _layer_norm(
            attended + hidden,
            t[f"{p}.attention.output.LayerNorm.weight"],
            t[f"{p}.attention.output.LayerNorm.bias"],
            eps,
        )
        inner = _linear(hidden, t, f"{p}.intermediate.dense")
        inner = 0.5 * inner * (1.0 + _erf(inner / math.sqrt(2.0)))
        out = _linear(inner, t, f"{p}.output.dense")
        hidden = _layer_norm(
            out + hidden, t[f"{p}.output.LayerNorm.weight"], t[f"{p}.output.LayerNorm.bias"], eps
        )
    return hidden


def mean_pool_normalize(token_vectors: np.ndarray, attention_mask: np.ndarray) -> np.ndarray:
    """sentence-transformers' Pooling (mean over unmasked tokens) then Normalize (unit L2 norm)."""
    mask = attention_mask[..., None].astype(np.float64)
    summed = (token_vectors * mask).sum(axis=1)
    pooled = summed / np.clip(mask.sum(axis=1), 1e-9, None)
    return pooled / np.clip(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12, None)
