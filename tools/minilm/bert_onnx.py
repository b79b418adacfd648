"""Writes BERT's encoder as an ONNX graph from its weights, node by node.

The graph takes what transformers.js feeds a BERT feature extractor
(`input_ids`, `attention_mask`, `token_type_ids`, int64 [batch, sequence])
and returns `last_hidden_state` (float32 [batch, sequence, hidden]); pooling
and normalisation stay in transformers.js, as in Xenova's exports. Only
standard opset-17 operators are used, so any ONNX runtime can run it and
onnxruntime's dynamic quantizer can rewrite its MatMuls.
"""

import math

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

OPSET = 17


class _Graph:
    """Accumulates nodes and initializers; names each output after its node."""

    def __init__(self) -> None:
        self.nodes: list[onnx.NodeProto] = []
        self.initializers: list[onnx.TensorProto] = []

    def constant(self, name: str, value: np.ndarray) -> str:
        self.initializers.append(numpy_helper.from_array(np.ascontiguousarray(value), name))
        return name

    def op(self, op_type: str, inputs: list[str], name: str, **attributes) -> str:
        self.nodes.append(helper.make_node(op_type, inputs, [name], name=name, **attributes))
        return name


def _linear(g: _Graph, x: str, tensors: dict, weight: str, name: str) -> str:
    # PyTorch Linear weights are [out, in]; MatMul wants [in, out].
    w = g.constant(f"{weight}.weight", tensors[f"{weight}.weight"].T.astype(np.float32))
    b = g.constant(f"{weight}.bias", tensors[f"{weight}.bias"].astype(np.float32))
    return g.op("Add", [g.op("MatMul", [x, w], f"{name}/MatMul"), b], f"{name}/Add")


def _layer_norm(g: _Graph, x: str, tensors: dict, prefix: str, eps: float, name: str) -> str:
    scale = g.constant(f"{prefix}.weight", tensors[f"{prefix}.weight"].astype(np.float32))
    bias = g.constant(f"{prefix}.bias", tensors[f"{prefix}.bias"].astype(np.float32))
    return g.op("LayerNormalization", [x, scale, bias], name, axis=-1, epsilon=eps)


def build_bert_onnx(tensors: dict[str, np.ndarray], config: dict) -> onnx.ModelProto:
    """The ONNX model of BertModel's embeddings and encoder (no pooler) for these weights."""
    g = _Graph()
    eps = float(config["layer_norm_eps"])
    heads = config["num_attention_heads"]
    width = config["hidden_size"]
    head_dim = width // heads

    # Embeddings: word + position (0..sequence-1) + token type, then LayerNorm.
    word = g.op("Gather", [g.constant("embeddings.word_embeddings.weight", tensors["embeddings.word_embeddings.weight"]), "input_ids"], "embeddings/word")
    # The first `sequence` rows of the position table: Slice(table, [0], [sequence]).
    length = g.op("Shape", ["input_ids"], "embeddings/length", start=1, end=2)
    position = g.op("Slice", [g.constant("embeddings.position_embeddings.weight", tensors["embeddings.position_embeddings.weight"]), g.constant("const/zero_1d", np.array([0], np.int64)), length, g.constant("const/axis_0", np.array([0], np.int64))], "embeddings/position")
    token_type = g.op("Gather", [g.constant("embeddings.token_type_embeddings.weight", tensors["embeddings.token_type_embeddings.weight"]), "token_type_ids"], "embeddings/token_type")
    summed = g.op("Add", [g.op("Add", [word, position], "embeddings/add_position"), token_type], "embeddings/add_token_type")
    hidden = _layer_norm(g, summed, tensors, "embeddings.LayerNorm", eps, "embeddings/LayerNorm")

    # Masked keys get the most negative float32, as BertModel's extended mask does.
    mask = g.op("Cast", ["attention_mask"], "mask/float", to=TensorProto.FLOAT)
    inverted = g.op("Sub", [g.constant("const/one_float", np.array(1.0, np.float32)), mask], "mask/inverted")
    additive = g.op("Mul", [inverted, g.constant("const/float_min", np.array(np.finfo(np.float32).min, np.float32))], "mask/additive")
    additive = g.op("Unsqueeze", [additive, g.constant("const/axes_1_2", np.array([1, 2], np.int64))], "mask/broadcast")

    split_shape = g.constant("const/split_heads", np.array([0, 0, heads, head_dim], np.int64))
    merge_shape = g.constant("const/merge_heads", np.array([0, 0, width], np.int64))
    scale = g.constant("const/attention_scale", np.array(1.0 / math.sqrt(head_dim), np.float32))
    half = g.constant("const/half", np.array(0.5, np.float32))
    inv_sqrt2 = g.constant("const/inv_sqrt2", np.array(1.0 / math.sqrt(2.0), np.float32))

    for layer in range(config["num_hidden_layers"]):
        p = f"encoder.layer.{layer}"
        n = f"layer{layer}"

        def heads_of(x: str, part: str, perm: list[int]) -> str:
            reshaped = g.op("Reshape", [x, split_shape], f"{n}/{part}/split")
            return g.op("Transpose", [reshaped], f"{n}/{part}/transpose", perm=perm)

        q = heads_of(_linear(g, hidden, tensors, f"{p}.attention.self.query", f"{n}/query"), "query", [0, 2, 1, 3])
        k = heads_of(_linear(g, hidden, tensors, f"{p}.attention.self.key", f"{n}/key"), "key", [0, 2, 3, 1])
        v = heads_of(_linear(g, hidden, tensors, f"{p}.attention.self.value", f"{n}/value"), "value", [0, 2, 1, 3])
        scores = g.op("MatMul", [q, k], f"{n}/attention/scores")
        scores = g.op("Mul", [scores, scale], f"{n}/attention/scaled")
        scores = g.op("Add", [scores, additive], f"{n}/attention/masked")
        probs = g.op("Softmax", [scores], f"{n}/attention/softmax", axis=-1)
        context = g.op("MatMul", [probs, v], f"{n}/attention/context")
        context = g.op("Transpose", [context], f"{n}/attention/context_transpose", perm=[0, 2, 1, 3])
        context = g.op("Reshape", [context, merge_shape], f"{n}/attention/merge")
        attended = _linear(g, context, tensors, f"{p}.attention.output.dense", f"{n}/attention_output")
        residual = g.op("Add", [attended, hidden], f"{n}/attention_output/residual")
        hidden = _layer_norm(g, residual, tensors, f"{p}.attention.output.LayerNorm", eps, f"{n}/attention_output/LayerNorm")

        inner = _linear(g, hidden, tensors, f"{p}.intermediate.dense", f"{n}/intermediate")
        # Exact GELU: 0.5 x (1 + erf(x / sqrt 2)).
        erf = g.op("Erf", [g.op("Mul", [inner, inv_sqrt2], f"{n}/gelu/scaled")], f"{n}/gelu/erf")
        gate = g.op("Add", [erf, g.constant(f"const/one_float_{layer}", np.array(1.0, np.float32))], f"{n}/gelu/gate")
        activated = g.op("Mul", [g.op("Mul", [inner, half], f"{n}/gelu/half"), gate], f"{n}/gelu")
        out = _linear(g, activated, tensors, f"{p}.output.dense", f"{n}/output")
        residual = g.op("Add", [out, hidden], f"{n}/output/residual")
        hidden = _layer_norm(g, residual, tensors, f"{p}.output.LayerNorm", eps, f"{n}/output/LayerNorm")

    hidden = g.op("Identity", [hidden], "last_hidden_state")
    dims = ["batch_size", "sequence_length"]
    graph = helper.make_graph(
        g.nodes,
        "bert_encoder",
        [helper.make_tensor_value_info(name, TensorProto.INT64, dims) for name in ("input_ids", "attention_mask", "token_type_ids")],
        [helper.make_tensor_value_info("last_hidden_state", TensorProto.FLOAT, [*dims, width])],
        g.initializers,
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)], producer_name="movielens tools/minilm")
    model.ir_version = 8
    onnx.checker.check_model(model, full_check=True)
    return model


def unquantized_matmul_names(config: dict) -> list[str]:
    """MatMuls the int8 quantizer leaves in float: attention's two activation-by-activation
    products (scores, context) and the FFN output, whose GELU activations have outliers
    that one int8 scale per tensor flattens."""
    return [
        name
        for layer in range(config["num_hidden_layers"])
        for name in (f"layer{layer}/attention/scores", f"layer{layer}/attention/context", f"layer{layer}/output/MatMul")
    ]
