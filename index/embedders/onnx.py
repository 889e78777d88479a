"""ONNX Runtime backend for the sentence-transformers model: same vectors, ~3x faster queries.

sentence-transformers' own ONNX backend needs `optimum`, which pins a transformers
version older than sentence-transformers 5+ accepts. So the transformer is exported
here with `torch.onnx.export` (opset 17, dynamic batch and sequence axes) from the
local weights, once, and cached on disk; queries then run on `onnxruntime` with the
`tokenizers` library doing dynamic padding, and mean pooling plus L2 normalisation
done like the sentence-transformers pipeline of all-MiniLM-L6-v2.

On these 2-core machines a one-sentence query takes ~25 ms on torch and ~7-8 ms
here (see docs/benchmarks.md); long 256-token chunks cost the same on both.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import sys
import threading
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import cast

import numpy as np

from index.embedders.base import EmbedderSpec, bundled_model_path, model_name

log = logging.getLogger(__name__)

OPSET = 17
EXPORT_FORMAT = 1  # bump when the exported graph changes (inputs, outputs, pooling)
_EXPORT_LOCK = threading.Lock()


def _model_fingerprint(model_dir: Path) -> str:
    """Cheap identity of the weights: file names, sizes and modification times."""
    digest = hashlib.sha256(f"{EXPORT_FORMAT}|{OPSET}".encode())
    for path in sorted(model_dir.glob("*")):
        if path.is_file() and path.suffix in {".safetensors", ".bin", ".json", ".txt"}:
            stat = path.stat()
            digest.update(f"{path.name}|{stat.st_size}|{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()[:12]


def _max_seq_length(model_dir: Path, default: int = 256) -> int:
    config = model_dir / "sentence_bert_config.json"
    if config.is_file():
        value = json.loads(config.read_text()).get("max_seq_length")
        if isinstance(value, int) and value > 0:
            return value
    return default


def onnx_model_path(model_dir: Path, cache_dir: Path, optimize: bool) -> Path:
    """Where the exported graph for `model_dir` lives inside `cache_dir`."""
    stem = f"{model_name(model_dir)}-{_model_fingerprint(model_dir)}"
    return cache_dir / stem / ("model.opt.onnx" if optimize else "model.onnx")


def export_onnx(model_dir: Path, cache_dir: Path, optimize: bool = True) -> Path:
    """Export the transformer of `model_dir` to ONNX once; return the cached file.

    The graph maps (input_ids, attention_mask, token_type_ids) to the last hidden
    state; pooling stays in numpy so padding can never leak into the mean. With
    `optimize`, onnxruntime's BERT fusion optimiser (attention, layer-norm and GELU
    fusion, the "O2" level) rewrites the graph: ~7% faster on these CPUs.
    Written to a temporary name and renamed, so a crash never leaves half a model.
    """
    target = onnx_model_path(model_dir, cache_dir, optimize)
    with _EXPORT_LOCK:
        if target.is_file():
            return target
        plain = onnx_model_path(model_dir, cache_dir, optimize=False)
        plain.parent.mkdir(parents=True, exist_ok=True)
        if not plain.is_file():
            _torch_export(model_dir, plain)
        if optimize:
            _optimize(plain, target)
        return target


def _torch_export(model_dir: Path, target: Path) -> None:
    import torch
    from transformers import AutoModel

    # Once per machine and model, and it takes a while: say so on the terminal.
    print(
        "exporting the embedding model to ONNX once (about a minute; later runs reuse it)",
        file=sys.stderr,
        flush=True,
    )
    model = AutoModel.from_pretrained(str(model_dir), local_files_only=True)
    model.eval()

    class HiddenStates(torch.nn.Module):
        def __init__(self, inner: torch.nn.Module) -> None:
            super().__init__()
            self.inner = inner

        def forward(
            self,
            input_ids: torch.Tensor,
            attention_mask: torch.Tensor,
            token_type_ids: torch.Tensor,
        ) -> torch.Tensor:
            out = self.inner(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
            )
            return cast("torch.Tensor", out.last_hidden_state)

    dummy = torch.ones((2, 8), dtype=torch.int64)
    partial = target.with_name(f".{target.name}.{os.getpid()}.partial")
    axes = {0: "batch", 1: "sequence"}
    # The tracer warns about Python control flow in the model's code; the exported graph
    # is checked against torch in the tests, so the warnings only alarm the reader.
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(
            HiddenStates(model),
            (dummy, dummy, torch.zeros_like(dummy)),
            str(partial),
            input_names=["input_ids", "attention_mask", "token_type_ids"],
            output_names=["last_hidden_state"],
            dynamic_axes={
                "input_ids": axes,
                "attention_mask": axes,
                "token_type_ids": axes,
                "last_hidden_state": axes,
            },
            opset_version=OPSET,
            do_constant_folding=True,
            dynamo=False,
        )
    os.replace(partial, target)


def _optimize(source: Path, target: Path) -> None:
    from onnxruntime.transformers.optimizer import optimize_model

    # num_heads/hidden_size 0: read them from the graph.
    optimized = optimize_model(
        str(source), model_type="bert", num_heads=0, hidden_size=0, opt_level=1
    )
    partial = target.with_name(f".{target.name}.{os.getpid()}.partial")
    optimized.save_model_to_file(str(partial))
    os.replace(partial, target)


class OnnxEmbedder:
    """The bundled sentence-transformers model run by ONNX Runtime.

    Satisfies the `Embedder` protocol and returns the same vectors as
    `SentenceTransformerEmbedder` (cosine >= 0.999, tested).
    """

    def __init__(
        self,
        model_path: str | Path | None = None,
        cache_dir: str | Path = Path("var/models"),
        *,
        optimize: bool = True,
        threads: int = 0,
        batch_size: int = 32,
    ) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        model_dir = Path(model_path) if model_path else bundled_model_path()
        if not model_dir.is_dir():
            raise FileNotFoundError(f"embedding model directory not found: {model_dir}")
        self.name = model_name(model_dir)
        self.max_tokens = _max_seq_length(model_dir)
        self.batch_size = batch_size
        self.onnx_path = export_onnx(model_dir, Path(cache_dir), optimize=optimize)
        self.spec = EmbedderSpec("onnx", str(model_dir), str(cache_dir), optimize)

        # The bundled tokenizer.json pads every input to 128 tokens; pad per batch instead.
        self._tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        self._tokenizer.no_padding()
        self._tokenizer.enable_truncation(self.max_tokens)
        self._tokenizer.enable_padding(pad_id=self._pad_id(), pad_token="[PAD]")
        # Token counts for the chunker: no truncation, exactly the HF tokenizer's count.
        self._counter = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        self._counter.no_padding()
        self._counter.no_truncation()

        options = ort.SessionOptions()
        options.intra_op_num_threads = threads or min(2, os.cpu_count() or 1)
        options.inter_op_num_threads = 1
        options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        # Spinning threads burn the core a concurrent request needs: p99 25 ms -> 13 ms.
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        options.log_severity_level = 3
        self._session = ort.InferenceSession(
            str(self.onnx_path), options, providers=["CPUExecutionProvider"]
        )
        self._run_lock = threading.Lock()
        self._inputs = {i.name for i in self._session.get_inputs()}
        output = self._session.get_outputs()[0]
        self.dimension = int(output.shape[-1]) if isinstance(output.shape[-1], int) else 0
        if not self.dimension:
            self.dimension = int(self._run(["dimension probe"]).shape[1])

    def _pad_id(self) -> int:
        pad = self._tokenizer.token_to_id("[PAD]")
        return int(pad) if pad is not None else 0

    def _run(self, texts: Sequence[str]) -> np.ndarray:
        encodings = self._tokenizer.encode_batch(list(texts))
        ids = np.array([e.ids for e in encodings], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
        feeds = {"input_ids": ids, "attention_mask": mask}
        if "token_type_ids" in self._inputs:
            feeds["token_type_ids"] = np.array([e.type_ids for e in encodings], dtype=np.int64)
        # One model run at a time: each already uses every core it is given, and
        # concurrent runs (one per request thread) only oversubscribe them.
        with self._run_lock:
            hidden = self._session.run(None, feeds)[0]
        # Mean over real tokens only, then unit length: sentence-transformers' Pooling + Normalize.
        weights = mask[:, :, None].astype(np.float32)
        pooled = (hidden * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        # The session output, `norm` with an axis and `clip` are all Any to mypy: name the type.
        unit: np.ndarray = pooled / np.clip(norms, 1e-12, None)
        return unit.astype(np.float32)

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Unit-length float32 rows; batches are packed by length to minimise padding."""
        texts = list(texts)
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        if not texts:
            return out
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        for begin in range(0, len(order), self.batch_size):
            rows = order[begin : begin + self.batch_size]
            out[rows] = self._run([texts[i] for i in rows])
        return out

    def count_tokens(self, text: str) -> int:
        return len(self._counter.encode(text, add_special_tokens=True).ids)
