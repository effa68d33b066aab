"""A Piper voice's ONNX graph rewritten so that ONNX Runtime runs it faster: same weights, same audio.

A Piper (VITS) voice spends most of its time in the decoder's one-dimensional convolutions: 77% of the kernel
time of the bundled voice, by ONNX Runtime's profiler. ONNX Runtime runs two-dimensional convolutions in its blocked
NCHWc layout, with kernels written for AVX2 and AVX-512, but leaves one-dimensional ones on its generic path. So each
1-D ``Conv``/``ConvTranspose`` is written as a 2-D one of height 1 (weights ``[O, I, 1, K]``) between an
``Unsqueeze`` and a ``Squeeze`` of that height axis, and each ``Squeeze`` is then moved past the element-wise
operators that follow it (LeakyRelu, Add, Div, Tanh ...), so that from one convolution to the next the tensors stay
four-dimensional and the pairs cancel out. The sums computed are the same; only their order differs, by float
rounding (about -100 dB on the bundled voice). On this project's 2-core machine it costs 28% less CPU per second of
speech (BENCHMARKS.md).

Four-dimensional is not yet blocked: ONNX Runtime gives its blocked layout only to the outputs of operators it has
blocked kernels for (convolutions, Add, Relu, Tanh), and converts every other operator's input back to the plain
layout and its output forth again. Between the decoder's convolutions stand LeakyRelus (each after a residual Add),
the MRF's Div by its number of kernels, and the three upsampling ConvTransposes: so each LeakyRelu is given a
convolution of its own to be fused into (a depthwise 1x1 convolution by 1, or by the Div's 1/3 in its place), and
each ConvTranspose's output passes once through such an identity convolution. The conversions and the plain-layout
LeakyRelus and Divs were about 10% of the kernel time; the added convolutions cost about half of that, and the voice
takes about 5% less CPU than with the first rewrite alone (BENCHMARKS.md).
The upsampling ConvTransposes are then written as polyphase convolutions: a transposed convolution of stride s is s
ordinary convolutions of the input, one per output phase, here one convolution with all the phases as channels
(three taps each, one of them zero for every phase), whose outputs are interleaved by Reshape, Transpose, Reshape.
ONNX Runtime runs ConvTranspose on its generic path (a matrix product, then scattered sums): 13% of the kernel time
of the bundled voice. As a blocked convolution plus the interleave (a conversion out of the blocked layout and back
in, and the Transpose) the same sums take 4% less of the voice's CPU (BENCHMARKS.md). Splitting the phases into two
two-tap convolutions, which spares the zero taps, made it 6% slower: the interleave of two halves is a 5-D Transpose.

The rewritten model is kept in the user's cache folder, named after the original's digest, and is used only after
it has said one test sentence as the original does. Anything else (a graph the rewrite does not understand, a cache
that cannot be written, a test sentence that differs) leaves the voice on its original model.
"""

from __future__ import annotations

import contextlib
import fcntl
import functools
import hashlib
import json
import logging
import os
import platform
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

REWRITE_VERSION = 3
"""Part of the rewritten file's name: a change to the rewrite must not reuse a file the old one wrote."""

MAX_DIFFERENCE = 1e-3
"""Largest sample difference allowed between the two models' test sentence (samples are in -1..1)."""

_ELEMENTWISE = {"Add", "Sub", "Mul", "Div", "LeakyRelu", "Relu", "Tanh", "Sigmoid", "Abs", "Neg"}
"""Operators that work the same on a tensor with an extra axis of size 1, when their other inputs are scalars."""

_HEIGHT_AXIS = "narrate_height_axis"
_PREFIX = "narrate_2d/"

log = logging.getLogger(__name__)


def fast_model(model: Path, config: Path, digest: str, cache_folder: Path) -> Path:
    """The fastest faithful form of ``model`` (whose files' digest is ``digest``, ``config`` its Piper config), made
    once and kept in ``cache_folder``: the rewritten graph in ONNX Runtime's own optimised format for this machine,
    else the rewritten graph, else ``model`` itself when the rewrite is not possible or not faithful."""
    rewritten = cache_folder / f"{model.stem}-{digest}-2d{REWRITE_VERSION}.onnx"
    refused = rewritten.with_suffix(".refused")
    if refused.exists():
        return model
    try:
        _made_once(rewritten, lambda partial: partial.write_bytes(_checked(model, config, rewrite(model.read_bytes()))))
    except ImportError as error:  # an install without onnx: nothing to remember about this voice
        log.info("voice %s kept as it is: %s", model.name, error)
        return model
    except OSError as error:  # the cache folder cannot be written
        log.info("voice %s kept as it is: %s", model.name, error)
        return model
    except Exception as error:  # noqa: BLE001 - onnx's and onnxruntime's errors derive from Exception only
        log.info("voice %s kept as it is: %s", model.name, error)
        with contextlib.suppress(OSError):
            refused.write_text(f"{error}\n", encoding="utf-8")
        return model
    _forget_older(rewritten)
    return _optimised(rewritten, model, config)


def _forget_older(rewritten: Path) -> None:
    """Remove what an earlier rewrite made of the same voice (another REWRITE_VERSION): 130 MB each, never read."""
    prefix, current = rewritten.stem.rsplit("-2d", 1)
    for path in rewritten.parent.glob(f"{prefix}-2d*"):
        if not path.name.startswith(f"{prefix}-2d{current}.") and not path.name.startswith(f"{prefix}-2d{current}-"):
            with contextlib.suppress(OSError):
                path.unlink()


def _optimised(rewritten: Path, model: Path, config: Path) -> Path:
    """``rewritten`` as ONNX Runtime saves it once its graph is optimised (ORT format): a session loads it in a
    third of the time, since nothing is left to optimise, and each pool process loads one. Its convolutions are laid
    out for this CPU's vector instructions, so the file is named after them and after ONNX Runtime's version."""
    import onnxruntime

    def save(partial: Path) -> None:
        options = onnxruntime.SessionOptions()
        options.optimized_model_filepath = str(partial)
        options.add_session_config_entry("session.save_model_format", "ORT")
        options.log_severity_level = 3  # its warning says what the name already does: made for this machine
        onnxruntime.InferenceSession(str(rewritten), sess_options=options, providers=["CPUExecutionProvider"])
        _checked(model, config, partial.read_bytes())

    target = rewritten.with_name(f"{rewritten.stem}-{_runtime(onnxruntime.__version__)}.ort")
    try:
        _made_once(target, save)
    except Exception as error:  # noqa: BLE001 - onnxruntime's errors derive from Exception only; OSError too
        log.info("voice %s not optimised ahead: %s", model.name, error)
        return rewritten
    return target


def _made_once(target: Path, make: Callable[[Path], object]) -> None:
    """Make ``target`` once for every process: ``make`` writes a temporary file, under a lock (a pool's processes
    start together), which then takes the target's name whole; its errors propagate, leaving nothing behind."""
    if target.is_file():
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    with _exclusive(target.parent / ".lock"):
        if target.is_file():  # another process made it while this one waited
            return
        partial = target.with_name(f"{target.name}.{os.getpid()}.tmp")
        try:
            make(partial)
            os.replace(partial, target)
        finally:
            partial.unlink(missing_ok=True)


def _checked(model: Path, config: Path, faster: bytes) -> bytes:
    """``faster``, once it says the test sentence as ``model`` does; ValueError when it does not."""
    difference = compare(model, config, faster)
    if difference > MAX_DIFFERENCE:
        raise ValueError(f"the rewritten graph differs by {difference:.3g}")
    return faster


def _runtime(version: str) -> str:
    """ONNX Runtime's version and a digest of this CPU's kind and instruction sets."""
    flags = ""
    with contextlib.suppress(OSError):
        flags = next((line for line in Path("/proc/cpuinfo").read_text().splitlines() if line.startswith("flags")), "")
    machine = hashlib.sha256(f"{platform.machine()} {flags}".encode()).hexdigest()[:8]
    return f"ort{version}-{machine}"


@contextlib.contextmanager
def _exclusive(path: Path) -> Iterator[None]:
    """One process at a time: the pool's processes start together, and one rewrite is enough."""
    with path.open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def rewrite(model_bytes: bytes) -> bytes:
    """The model with its 1-D convolutions made 2-D and the height axis kept between them (see the module)."""
    import onnx

    model = onnx.load_from_string(model_bytes)
    graph = model.graph
    opset = next((entry.version for entry in model.opset_import if entry.domain in ("", "ai.onnx")), 0)
    if opset < 13:
        raise ValueError(f"opset {opset} (the rewrite writes Squeeze and Unsqueeze with their axes as an input)")
    if any(attribute.g.node or attribute.graphs for node in graph.node for attribute in node.attribute):
        raise ValueError("a graph with subgraphs (If, Loop, Scan)")
    _Rewrite(graph).run()
    del graph.value_info[:]  # the shapes it recorded are the old ones; ONNX Runtime infers them again
    onnx.checker.check_model(model)
    return model.SerializeToString()


class _Rewrite:
    def __init__(self, graph: Any) -> None:
        from onnx import numpy_helper

        self.graph = graph
        self.numpy_helper = numpy_helper
        self.initializers = {tensor.name: tensor for tensor in graph.initializer}
        self.constants = {node.output[0]: node for node in graph.node if node.op_type == "Constant"}
        self.uses: dict[str, int] = {}
        for node in graph.node:
            for name in node.input:
                self.uses[name] = self.uses.get(name, 0) + 1
        self.squeezed: dict[str, str] = {}
        """A 3-D tensor's name -> the 4-D tensor it is the Squeeze of."""
        self.channels: dict[str, int] = {}
        """A 4-D tensor's name -> its number of channels, where the rewrite knows it."""
        self.all_float32 = True
        """Whether every convolution converted has float32 weights (the depthwise ones added are float32)."""
        self.count = 0

    def run(self) -> None:
        import numpy as np

        nodes = list(self.graph.node)
        converted = [node for node in nodes if self._is_1d_convolution(node)]
        if not converted:
            raise ValueError("no one-dimensional convolution to rewrite")
        self.graph.initializer.append(self.numpy_helper.from_array(np.array([2], dtype=np.int64), _HEIGHT_AXIS))
        rewritten: list[Any] = []
        for node in nodes:
            if node in converted:
                rewritten.extend(self._convolution(node))
            elif node.op_type in _ELEMENTWISE and self._can_lift(node):
                rewritten.extend(self._lifted(node))
            else:
                rewritten.append(node)
        rewritten = self._polyphase(self._kept_blocked(self._cancel_pairs(rewritten)))
        del self.graph.node[:]
        self.graph.node.extend(rewritten)

    def _is_1d_convolution(self, node: Any) -> bool:
        if node.op_type not in ("Conv", "ConvTranspose") or len(node.input) < 2:
            return False
        weights = self.initializers.get(node.input[1])
        return weights is not None and len(weights.dims) == 3 and self.uses.get(node.input[1]) == 1

    def _name(self, base: str) -> str:
        self.count += 1
        return f"{_PREFIX}{base}/{self.count}"

    def _squeeze(self, four_d: str, three_d: str) -> Any:
        from onnx import helper

        self.squeezed[three_d] = four_d
        return helper.make_node("Squeeze", [four_d, _HEIGHT_AXIS], [three_d], name=self._name("squeeze"))

    def _convolution(self, node: Any) -> list[Any]:
        from onnx import TensorProto, helper

        weights = self.initializers[node.input[1]]
        self.all_float32 = self.all_float32 and weights.data_type == TensorProto.FLOAT
        weights.CopyFrom(self.numpy_helper.from_array(self.numpy_helper.to_array(weights)[:, :, None, :], weights.name))
        attributes = {}
        group = 1
        for attribute in node.attribute:
            value = helper.get_attribute_value(attribute)
            if attribute.name == "group":
                group = value
            if attribute.name in ("kernel_shape", "dilations", "strides", "output_padding", "output_shape"):
                value = [1, *value]
            elif attribute.name == "pads":  # [begin, end] -> [top, begin, bottom, end]
                value = [0, value[0], 0, value[1]]
            attributes[attribute.name] = value
        source = self._name("unsqueeze")
        four_d = self._name("conv")
        self.channels[four_d] = weights.dims[0] if node.op_type == "Conv" else weights.dims[1] * group
        unsqueeze = helper.make_node("Unsqueeze", [node.input[0], _HEIGHT_AXIS], [source], name=self._name("unsqueeze"))
        convolution = helper.make_node(
            node.op_type, [source, *node.input[1:]], [four_d], name=node.name or self._name("conv"), **attributes
        )
        return [unsqueeze, convolution, self._squeeze(four_d, node.output[0])]

    def _is_scalar(self, name: str) -> bool:
        if name in self.initializers:
            dims = list(self.initializers[name].dims)
        elif name in self.constants:
            value = next((a for a in self.constants[name].attribute if a.name == "value"), None)
            if value is None:
                return False
            dims = list(value.t.dims)
        else:
            return False
        return len(dims) <= 1 and all(size == 1 for size in dims)

    def _can_lift(self, node: Any) -> bool:
        """True when every input is the Squeeze of a 4-D tensor or a scalar, at least one the former."""
        lifted = [name for name in node.input if name in self.squeezed]
        return bool(lifted) and all(name in self.squeezed or self._is_scalar(name) for name in node.input)

    def _lifted(self, node: Any) -> list[Any]:
        from onnx import helper

        four_d = self._name(node.op_type.lower())
        inputs = [self.squeezed.get(name, name) for name in node.input]
        known = [self.channels[name] for name in inputs if name in self.channels]
        if known:
            self.channels[four_d] = known[0]
        lifted = helper.make_node(node.op_type, inputs, [four_d], name=node.name or self._name("op"))
        lifted.attribute.extend(node.attribute)
        return [lifted, self._squeeze(four_d, node.output[0])]

    def _cancel_pairs(self, nodes: list[Any]) -> list[Any]:
        """Drop each Unsqueeze of a Squeeze (use the 4-D tensor), then each Squeeze nothing reads any more."""
        replaced: dict[str, str] = {}
        kept = []
        for node in nodes:
            if node.op_type == "Unsqueeze" and node.name.startswith(_PREFIX) and node.input[0] in self.squeezed:
                replaced[node.output[0]] = self.squeezed[node.input[0]]
                continue
            for index, name in enumerate(node.input):
                if name in replaced:
                    node.input[index] = replaced[name]
            kept.append(node)
        read = {name for node in kept for name in node.input} | {output.name for output in self.graph.output}
        return [
            node
            for node in kept
            if not (node.op_type == "Squeeze" and node.name.startswith(_PREFIX) and node.output[0] not in read)
        ]

    def _kept_blocked(self, nodes: list[Any]) -> list[Any]:
        """Keep the decoder's tensors in ONNX Runtime's blocked layout from one convolution to the next.

        That layout is only given to tensors made by operators it has a blocked kernel for: convolutions, Add, Relu,
        Tanh; not LeakyRelu, Div, or ConvTranspose. So each of those, standing between the decoder's convolutions,
        made ONNX Runtime convert its input to the plain layout and its output back (ReorderOutput, ReorderInput), and
        the residual Adds next to them ran on plain tensors too: 8% of the kernel time in reordering. Here a
        LeakyRelu that does not already follow a convolution of its own (which ONNX Runtime fuses it into) is given
        one: a depthwise 1x1 convolution by 1 (exact), into which it is then fused; a Div or Mul by a scalar just
        before it becomes that convolution's weight instead (the MRF's ``/ num_kernels``); and a ConvTranspose's
        output goes through such an identity convolution once, so that what reads it reads the blocked layout."""
        if not self.all_float32:  # a half-precision voice keeps its graph as it is: no blocked kernels for it anyway
            return nodes
        read: dict[str, int] = {}
        for node in nodes:
            for name in node.input:
                read[name] = read.get(name, 0) + 1
        for output in self.graph.output:
            read[output.name] = read.get(output.name, 0) + 1
        made_by = {output: node for node in nodes for output in node.output}
        folded: set[str] = set()
        kept: list[Any] = []
        for node in nodes:
            if node.op_type == "ConvTranspose" and node.output[0] in self.channels:
                source = self._name("conv_transpose")
                self.channels[source] = self.channels[node.output[0]]
                output = node.output[0]
                node.output[0] = source
                kept.extend([node, self._scaled(source, output, 1.0)])
                continue
            if node.op_type == "LeakyRelu" and node.input[0] in self.channels:
                source, scale = node.input[0], 1.0
                scaling = made_by.get(source)
                if scaling is not None and read[source] == 1 and (factor := self._scaling_factor(scaling)) is not None:
                    folded.add(scaling.output[0])
                    source, scale = scaling.input[0], factor
                producer = made_by.get(source)
                fused_by_runtime = (
                    scale == 1.0 and producer is not None and producer.op_type == "Conv" and read[source] == 1
                )
                if not fused_by_runtime:
                    scaled = self._name("scaled")
                    self.channels[scaled] = self.channels[source]
                    kept.append(self._scaled(source, scaled, scale))
                    node.input[0] = scaled
            kept.append(node)
        scalars = {node.input[1] for node in kept if node.output[0] in folded}
        kept = [node for node in kept if node.output[0] not in folded]
        unread = scalars - {name for node in kept for name in node.input}
        for name in unread & self.initializers.keys():  # ONNX Runtime warns of an initializer nothing reads
            self.graph.initializer.remove(self.initializers.pop(name))
        return [node for node in kept if not (node.op_type == "Constant" and node.output[0] in unread)]

    def _polyphase(self, nodes: list[Any]) -> list[Any]:
        """Each upsampling ConvTranspose (2-D of height 1, stride s, one group) as a convolution that gives its s
        output phases as channels, interleaved by Reshape [N, C, s, L], Transpose [N, C, L, s], Reshape [N, C, 1, L*s].

        Output sample m*s + r of a transposed convolution with kernel w, padded p at its start, is the sum over j of
        w[j*s + r + p] times input sample m - j: for phase r, an ordinary convolution of the input with the taps
        w[j*s + r + p]. Only a ConvTranspose whose output is exactly s times its input is rewritten (kernel minus
        both pads equal to the stride, as HiFi-GAN's upsampling layers are); any other is kept."""
        import numpy as np
        from onnx import helper

        rewritten: list[Any] = []
        for node in nodes:
            polyphase = self._polyphase_of(node, np) if node.op_type == "ConvTranspose" else None
            if polyphase is None:
                rewritten.append(node)
                continue
            weights, bias, before, after, taps, channels, stride = polyphase
            name = self._name("polyphase")
            phases, split, interleaved = f"{name}/phases", f"{name}/split", f"{name}/interleaved"
            split_shape, joined_shape = f"{name}/split_shape", f"{name}/joined_shape"
            self.graph.initializer.extend([
                self.numpy_helper.from_array(weights, f"{name}/weights"),
                self.numpy_helper.from_array(bias, f"{name}/bias"),
                self.numpy_helper.from_array(np.array([0, channels, stride, -1], dtype=np.int64), split_shape),
                self.numpy_helper.from_array(np.array([0, channels, 1, -1], dtype=np.int64), joined_shape),
            ])  # fmt: skip
            rewritten += [
                helper.make_node("Conv", [node.input[0], f"{name}/weights", f"{name}/bias"], [phases], name=name,
                                 kernel_shape=[1, taps], pads=[0, before, 0, after]),
                helper.make_node("Reshape", [phases, split_shape], [split], name=f"{name}/split"),
                helper.make_node("Transpose", [split], [interleaved], name=f"{name}/interleave", perm=[0, 1, 3, 2]),
                helper.make_node("Reshape", [interleaved, joined_shape], [node.output[0]], name=f"{name}/join"),
            ]  # fmt: skip
        return rewritten

    def _polyphase_of(self, node: Any, np: Any) -> tuple[Any, Any, int, int, int, int, int] | None:
        """(weights, bias, pad before, pad after, taps, output channels, stride) of the polyphase convolution that
        does what ``node`` does; None when the rewrite does not apply."""
        if len(node.input) < 2 or node.input[1] not in self.initializers:
            return None
        from onnx import helper

        attributes = {attribute.name: helper.get_attribute_value(attribute) for attribute in node.attribute}
        kernel = self.numpy_helper.to_array(self.initializers[node.input[1]])
        if kernel.dtype != np.float32 or kernel.ndim != 4 or kernel.shape[2] != 1:
            return None
        stride = attributes.get("strides", [1, 1])
        pads = attributes.get("pads", [0, 0, 0, 0])
        size = kernel.shape[3]
        if (
            attributes.get("group", 1) != 1
            or attributes.get("dilations", [1, 1]) != [1, 1]
            or attributes.get("output_padding") or attributes.get("output_shape") or attributes.get("auto_pad")
            or stride[0] != 1 or stride[1] < 2 or pads[0] != 0 or pads[2] != 0
            or size - pads[1] - pads[3] != stride[1]
        ):  # fmt: skip
            return None
        stride, start = stride[1], pads[1]
        inputs, channels = kernel.shape[0], kernel.shape[1]
        # Phase r, shift j: kernel tap k = j * stride + r + start, for every k in the kernel.
        shifts = {(k - r - start) // stride for r in range(stride) for k in range(size) if (k - r - start) % stride == 0}
        first, last = min(shifts), max(shifts)
        if first > 0 or last < 0:
            return None  # a convolution's pads cannot be negative
        taps = last - first + 1
        weights = np.zeros((channels * stride, inputs, 1, taps), dtype=np.float32)
        for r in range(stride):
            for k in range(size):
                if (k - r - start) % stride == 0:
                    # Output channel c * stride + r; tap t reads input sample m + t - last, that is m - j.
                    weights[np.arange(channels) * stride + r, :, 0, last - (k - r - start) // stride] = kernel[:, :, 0, k].T
        bias = np.zeros(channels, dtype=np.float32)
        if len(node.input) > 2 and node.input[2]:
            if node.input[2] not in self.initializers:
                return None
            bias = self.numpy_helper.to_array(self.initializers[node.input[2]]).astype(np.float32)
            self._drop_if_unread(node.input[2])
        self._drop_if_unread(node.input[1])
        return weights, np.repeat(bias, stride), last, -first, taps, channels, stride

    def _drop_if_unread(self, name: str) -> None:
        """Forget the initializer ``name`` once the node that read it is replaced (ONNX Runtime warns of one that
        nothing reads)."""
        if self.uses.get(name, 0) <= 1 and name in self.initializers:
            self.graph.initializer.remove(self.initializers.pop(name))

    def _scaling_factor(self, node: Any) -> float | None:
        """What a Div or Mul of a 4-D tensor by a scalar constant multiplies it by; None for any other node."""
        if node.op_type not in ("Div", "Mul") or len(node.input) != 2 or node.input[0] not in self.channels:
            return None
        value = self._scalar_value(node.input[1])
        if value is None or value == 0.0 or value != value or abs(value) == float("inf"):
            return None
        return 1.0 / value if node.op_type == "Div" else value

    def _scalar_value(self, name: str) -> float | None:
        if not self._is_scalar(name):
            return None
        if name in self.initializers:
            tensor = self.initializers[name]
        else:
            tensor = next(a for a in self.constants[name].attribute if a.name == "value").t
        value = self.numpy_helper.to_array(tensor)
        return float(value.reshape(-1)[0]) if value.dtype.kind == "f" else None

    def _scaled(self, source: str, output: str, scale: float) -> Any:
        """A depthwise 1x1 convolution: ``output`` is ``source`` times ``scale``, channel by channel."""
        import numpy as np
        from onnx import helper

        channels = self.channels[source]
        weights = self._name("scale")
        self.graph.initializer.append(
            self.numpy_helper.from_array(np.full((channels, 1, 1, 1), scale, dtype=np.float32), weights)
        )
        return helper.make_node(
            "Conv", [source, weights], [output], name=self._name("scaled"), group=channels, kernel_shape=[1, 1]
        )


def compare(model: Path, config: Path, faster: bytes) -> float:
    """The largest sample difference between ``model`` and ``faster`` saying one test sentence, without noise."""
    import numpy as np

    stat = model.stat()
    original, other = _said_by_file(model, config, (stat.st_size, stat.st_mtime_ns)), _said(faster, config)
    if original.shape != other.shape or original.size == 0:
        return float("inf")
    return float(np.abs(original - other).max())


@functools.lru_cache(maxsize=4)
def _said_by_file(model: Path, config: Path, stamp: tuple[int, int]) -> Any:
    """The original's test sentence, said once per file (the .onnx and the .ort copies are both checked against it)."""
    return _said(model.read_bytes(), config)


def _said(model_bytes: bytes, config_file: Path) -> Any:
    """The test sentence's samples as the model says them, with no noise (the same input gives the same audio)."""
    import numpy as np
    import onnxruntime

    ids_by_phoneme = json.loads(config_file.read_text(encoding="utf-8"))["phoneme_id_map"]
    ids: list[int] = []
    for phoneme in ["^", *"ðə vɔɪs ɪz ðə seɪm", "$"]:
        if phoneme in ids_by_phoneme:
            ids.extend(ids_by_phoneme[phoneme])
            ids.extend(ids_by_phoneme.get("_", []))
    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = 1
    session = onnxruntime.InferenceSession(model_bytes, sess_options=options, providers=["CPUExecutionProvider"])
    feeds: dict[str, Any] = {
        "input": np.array([ids], dtype=np.int64),
        "input_lengths": np.array([len(ids)], dtype=np.int64),
        "scales": np.array([0.0, 1.0, 0.0], dtype=np.float32),
    }
    if any(item.name == "sid" for item in session.get_inputs()):
        feeds["sid"] = np.array([0], dtype=np.int64)
    return session.run(None, feeds)[0].reshape(-1)
