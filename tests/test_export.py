"""Model file writer (viscoann.export) and the strict native reader: round trip, metadata, and
one test per malformed-file case, each checking the message names the problem."""

import json
import struct

import numpy as np
import pytest
import viscoann as va
from viscoann import export, reference


def small_net(seed=0, widths=(6, 5, 4, 3), acts=("tanh", "relu", "identity")):
    rng = np.random.default_rng(seed)
    ws = [rng.normal(size=(widths[i + 1], widths[i])) for i in range(len(widths) - 1)]
    bs = [rng.normal(size=widths[i + 1]) for i in range(len(widths) - 1)]
    return ws, bs, list(acts)


def good_bytes(**kw):
    ws, bs, acts = small_net()
    return export.to_bytes(
        ws, bs, acts, inputs=export.CANONICAL_INPUTS, outputs=export.CANONICAL_OUTPUTS, **kw
    )


def split(data: bytes):
    (n,) = struct.unpack("<Q", data[:8])
    return json.loads(data[8 : 8 + n]), data[8 + n :]


def join(header: dict, body: bytes) -> bytes:
    text = json.dumps(header).encode()
    return struct.pack("<Q", len(text)) + text + body


def edit(fn_header=None, fn_doc=None, data=None):
    """A good file with its header (and/or its viscoann metadata document) edited."""
    header, body = split(data or good_bytes())
    if fn_doc:
        doc = json.loads(header["__metadata__"]["viscoann"])
        fn_doc(doc)
        header["__metadata__"]["viscoann"] = json.dumps(doc)
    if fn_header:
        new = fn_header(header, body)
        body = new if isinstance(new, bytes) else body
    return join(header, body)


def refused(data: bytes, *needles: str):
    with pytest.raises(va.FormatError) as info:
        va.Surrogate.from_bytes(data)
    msg = str(info.value)
    for needle in needles:
        assert needle in msg, msg
    return msg


# ---- writing and reading back ---------------------------------------------------------------
def test_round_trip_metadata_and_weights(tmp_path):
    ws, bs, acts = small_net()
    path = export.save(
        tmp_path / "m.safetensors",
        ws,
        bs,
        acts,
        inputs=export.CANONICAL_INPUTS,
        outputs=export.CANONICAL_OUTPUTS,
        provenance={"data": "unit test"},
    )
    s = va.Surrogate.load(path)
    assert s.widths == [6, 5, 4, 3]
    assert s.activations == ["tanh", "relu", "identity"]
    assert s.input_names == ["x", "y", "depth", "t", "eta_M", "eta_K"]
    assert s.input_units[3] == "s" and s.output_units == ["m/m^3"] * 3
    np.testing.assert_array_equal(s.domain[4], [1e18, 1e21])
    meta = s.metadata
    assert meta["format"] == "viscoann-mlp" and meta["version"] == 2
    assert meta["geometry"] == {"kind": "cartesian"} and s.geometry == "cartesian"
    assert meta["provenance"]["data"] == "unit test" and "date" in meta["provenance"]
    # log10 inputs map [18, 21] -> [-1, 1]
    e = meta["inputs"][4]
    assert e["log10"] is True
    assert e["scale"] * 18 + e["offset"] == pytest.approx(-1) and e["scale"] * 21 + e[
        "offset"
    ] == pytest.approx(1)
    # The file is standard safetensors: the reference library reads the same weights.
    st = pytest.importorskip("safetensors.numpy")
    t = st.load_file(str(path))
    np.testing.assert_array_equal(t["layers.1.weight"], ws[1].astype(np.float32))
    np.testing.assert_array_equal(t["layers.2.bias"], bs[2].astype(np.float32))


def test_writer_rejects_bad_arguments():
    ws, bs, acts = small_net()
    kw = {"inputs": export.CANONICAL_INPUTS, "outputs": export.CANONICAL_OUTPUTS}
    with pytest.raises(ValueError, match="activations\\[1\\] = 'swish'"):
        export.to_bytes(ws, bs, ["tanh", "swish", "identity"], **kw)
    with pytest.raises(ValueError, match="layer 1"):
        export.to_bytes([ws[0], ws[2], ws[1]], bs, acts, **kw)
    with pytest.raises(ValueError, match="non-finite"):
        export.to_bytes([ws[0] * np.nan, ws[1], ws[2]], bs, acts, **kw)
    with pytest.raises(ValueError, match="inputs"):
        export.to_bytes(
            ws, bs, acts, inputs=export.CANONICAL_INPUTS[:5], outputs=export.CANONICAL_OUTPUTS
        )
    with pytest.raises(ValueError, match="elastic_part"):
        export.to_bytes(ws, bs, acts, elastic_part="okada", **kw)


def test_save_torch_matches_numpy_writer(tmp_path):
    torch = pytest.importorskip("torch")
    torch.manual_seed(0)
    net = torch.nn.Sequential(
        torch.nn.Linear(6, 5),
        torch.nn.Tanh(),
        torch.nn.Linear(5, 4),
        torch.nn.ReLU(),
        torch.nn.Linear(4, 3),
    )
    kw = {"inputs": export.CANONICAL_INPUTS, "outputs": export.CANONICAL_OUTPUTS}
    export.save_torch(tmp_path / "t.safetensors", net, **kw)
    s = va.Surrogate.load(tmp_path / "t.safetensors")
    assert s.activations == ["tanh", "relu", "identity"]
    with pytest.raises(ValueError, match="GELU"):
        export.torch_layers(torch.nn.Sequential(torch.nn.Linear(6, 3), torch.nn.GELU()))


# ---- malformed files: one test each -------------------------------------------------------
def test_refuses_file_shorter_than_header_length_field():
    refused(good_bytes()[:5], "truncated", "5 bytes")


def test_refuses_header_length_past_end_of_file():
    data = good_bytes()
    refused(struct.pack("<Q", len(data)) + data[8:], "header length", "past the end")


def test_refuses_truncated_tensor_data():
    data = good_bytes()
    refused(data[:-10], "run past the end of the data section")


def test_refuses_invalid_json_header():
    data = good_bytes()
    bad = bytearray(data)
    bad[data.index(b'"layers.0.weight"')] = ord("{")  # in the header, outside the metadata
    refused(bytes(bad), "invalid JSON in the safetensors header", "at byte")


def test_refuses_invalid_json_metadata():
    def corrupt(h, body):
        h["__metadata__"]["viscoann"] = '{"format": "viscoann-mlp", "version": 1,}'

    refused(edit(corrupt), 'invalid JSON in the "viscoann" metadata')


def test_refuses_missing_metadata():
    def drop(h, body):
        del h["__metadata__"]

    refused(edit(drop), "__metadata__", "not a viscoann model file")


def test_refuses_unknown_version():
    refused(edit(fn_doc=lambda d: d.update(version=4)), "unknown format version 4", "knows 1, 2, 3")
    # Version 3 is the neural kernel's only (geometry "elementary_kernel").
    refused(edit(fn_doc=lambda d: d.update(version=3)), "geometry kind 'cartesian' with format")


def test_version_1_file_loads_without_the_new_keys():
    def v1(d):
        d["version"] = 1
        del d["geometry"]

    data = edit(fn_doc=v1)
    s = va.Surrogate.from_bytes(data)
    X = np.tile([1e3, 2e3, 5e3, 1e8, 1e19, 1e18], (5, 1))
    np.testing.assert_array_equal(s.predict(X), va.Surrogate.from_bytes(good_bytes()).predict(X))
    np.testing.assert_allclose(s.predict(X), reference.predict(data, X), rtol=1e-5)
    refused(edit(fn_doc=lambda d: d.update(version=1)), "geometry", "needs format version 2")


def test_refuses_unknown_dtype():
    def f16(h, body):
        h["layers.0.weight"]["dtype"] = "F16"

    refused(edit(f16), "tensor 'layers.0.weight'", "dtype 'F16'")


def test_refuses_unknown_activation():
    refused(
        edit(fn_doc=lambda d: d["activations"].__setitem__(1, "swish")),
        "unknown activation 'swish'",
        "layer 1",
    )


def test_refuses_shape_mismatched_with_widths():
    def widths(d):
        d["widths"] = [6, 4, 5, 3]

    refused(edit(fn_doc=widths), "tensor 'layers.0.weight' has shape [5, 6], expected [4, 6]")


def test_refuses_byte_count_not_matching_shape():
    def shape(h, body):
        h["layers.1.bias"]["shape"] = [5]

    refused(edit(shape), "tensor 'layers.1.bias'", "needs 20")


def test_refuses_overlapping_offsets():
    def overlap(h, body):
        b, e = h["layers.0.bias"]["data_offsets"]
        h["layers.1.bias"]["data_offsets"] = [b, e - 4]
        h["layers.1.bias"]["shape"] = [(e - 4 - b) // 4]

    refused(edit(overlap), "overlap")


def test_refuses_out_of_range_offsets():
    def far(h, body):
        h["layers.2.bias"]["data_offsets"] = [10**9, 10**9 + 12]

    refused(edit(far), "tensor 'layers.2.bias'", "run past the end")


def no_crc(d):
    del d["tensors_crc32"]  # so that a test edit of the tensor data meets the check it targets


def test_refuses_missing_tensor():
    def drop(h, body):
        b, _ = h.pop("layers.2.bias")["data_offsets"]  # the last tensor, with its bytes
        return body[:b]

    refused(edit(drop, no_crc), "missing tensor 'layers.2.bias'")


def test_refuses_unexpected_tensor():
    def extra(h, body):
        h["layers.9.weight"] = {
            "dtype": "F32",
            "shape": [2],
            "data_offsets": [len(body), len(body) + 8],
        }
        return body + bytes(8)

    refused(edit(extra, no_crc), "unexpected tensor 'layers.9.weight'")


def test_refuses_non_finite_weight():
    header, body = split(edit(fn_doc=no_crc))
    b0 = header["layers.1.weight"]["data_offsets"][0]
    body = body[: b0 + 8] + struct.pack("<f", float("inf")) + body[b0 + 12 :]
    refused(join(header, body), "tensor 'layers.1.weight'", "non-finite", "flat index 2")


def test_refuses_bytes_no_tensor_owns():
    refused(good_bytes() + bytes(4), "4 trailing bytes after the last tensor")

    def hole(h, body):
        del h["layers.0.weight"]  # its bytes stay, owned by nothing

    refused(edit(hole, no_crc), "bytes [0, 120) of the data section belong to no tensor")


def test_refuses_zero_input_scale():
    def zero(d):
        d["inputs"][2]["scale"] = 0.0

    refused(edit(fn_doc=zero), 'inputs[2] (depth) has "scale" = 0')


def test_writer_stores_the_crc32_and_the_reader_verifies_it():
    import zlib

    data = good_bytes()
    header, body = split(data)
    doc = json.loads(header["__metadata__"]["viscoann"])
    assert doc["tensors_crc32"] == f"{zlib.crc32(body):08x}"
    assert va.Surrogate.from_bytes(data).metadata["tensors_crc32"] == doc["tensors_crc32"]
    # every flipped bit of the weights is refused (a few positions of each byte of one tensor)
    b0, b1 = header["layers.1.weight"]["data_offsets"]
    for k in range(b0, b1, 5):
        for bit in (0, 4, 7):
            bad = bytearray(body)
            bad[k] ^= 1 << bit
            refused(join(header, bytes(bad)), "the tensor data fail their checksum", "damaged")
    refused(
        edit(fn_doc=lambda d: d.update(tensors_crc32=12345)),
        '"tensors_crc32" must be a string of 8 lowercase hex digits',
    )
    # files written before the checksum (no key) still load
    assert va.Surrogate.from_bytes(edit(fn_doc=no_crc)).widths == [6, 5, 4, 3]


def test_refuses_inputs_not_matching_widths():
    refused(edit(fn_doc=lambda d: d["inputs"].pop()), 'metadata "inputs" has 5 entries')


def test_refuses_bad_domain():
    def dom(d):
        d["inputs"][4]["domain"] = [0.0, 1e21]

    refused(edit(fn_doc=dom), "inputs[4]", "log10", "not > 0")


def test_refuses_unknown_elastic_part():
    refused(edit(fn_doc=lambda d: d.update(elastic_part="psgrn")), "unknown elastic_part 'psgrn'")


def test_load_missing_file_is_oserror(tmp_path):
    with pytest.raises(OSError, match="cannot open model file"):
        va.Surrogate.load(tmp_path / "absent.safetensors")
    with pytest.raises(OSError, match=f"cannot read model file '{tmp_path}': it is a directory"):
        va.Surrogate.load(tmp_path)


def test_format_error_is_a_value_error():
    assert issubclass(va.FormatError, ValueError)


def test_random_mutations_never_crash():
    """Deterministic corpus mutation (the long run and the fuzzer are in bench/RESULTS.md):
    every mutated file either loads or raises FormatError."""
    rng = np.random.default_rng(7)
    base = bytearray(good_bytes())
    (n,) = struct.unpack("<Q", base[:8])
    loaded = refusedn = 0
    for _ in range(400):
        data = bytearray(base)
        kind = rng.integers(4)
        if kind == 0:  # flip bytes in the header
            for _ in range(rng.integers(1, 4)):
                data[8 + rng.integers(n)] = rng.integers(256)
        elif kind == 1:  # truncate
            data = data[: rng.integers(len(data))]
        elif kind == 2:  # change the header length
            data[:8] = struct.pack("<Q", int(rng.integers(0, 2 * len(data))))
        else:  # flip bytes anywhere
            for _ in range(rng.integers(1, 8)):
                data[rng.integers(len(data))] = rng.integers(256)
        try:
            va.Surrogate.from_bytes(bytes(data))
            loaded += 1
        except va.FormatError:
            refusedn += 1
    assert loaded + refusedn == 400 and refusedn > 200


# ---- format version 2: shift and the radial geometry ---------------------------------------
RADIAL = {"kind": "radial_strike_slip", "r_scale": 1e-5, "r_offset": -0.5}
T_SHIFT = [
    dict(e, log10=True, shift=86400.0) if e["name"] == "t" else e for e in export.CANONICAL_INPUTS
]


def radial_bytes(**kw):
    ws, bs, acts = small_net(widths=(5, 4, 3))
    ws[0] = ws[0][:, :5]
    kw.setdefault("inputs", T_SHIFT)
    kw.setdefault("geometry", RADIAL)
    return export.to_bytes(ws, bs, acts[1:], outputs=export.CANONICAL_OUTPUTS, **kw)


def test_radial_round_trip_and_defaults():
    s = va.Surrogate.from_bytes(radial_bytes())
    meta = s.metadata
    assert meta["geometry"] == RADIAL and s.geometry == RADIAL
    assert s.widths == [5, 4, 3] and s.n_inputs == 6 and s.input_names[:2] == ["x", "y"]
    assert [(e["scale"], e["offset"]) for e in meta["inputs"][:2]] == [(1.0, 0.0)] * 2
    t = meta["inputs"][3]
    assert t["shift"] == 86400.0 and t["log10"] is True
    # the default affine map sends log10(domain + shift) to [-1, 1]
    lo, hi = np.log10(np.array(t["domain"]) + 86400.0)
    assert t["scale"] * lo + t["offset"] == pytest.approx(-1)
    assert t["scale"] * hi + t["offset"] == pytest.approx(1)
    # r_scale / r_offset default to mapping r over the x, y domain to [-1, 1]
    geo = va.Surrogate.from_bytes(radial_bytes(geometry="radial_strike_slip")).geometry
    assert geo["r_offset"] == -1.0 and geo["r_scale"] == pytest.approx(2 / np.hypot(1e5, 1e5))


def test_writer_rejects_bad_geometry_and_shift():
    ws, bs, acts = small_net(widths=(5, 4, 3))
    kw = {"inputs": T_SHIFT, "outputs": export.CANONICAL_OUTPUTS}
    with pytest.raises(ValueError, match="geometry kind = 'polar'"):
        radial_bytes(geometry={"kind": "polar"})
    with pytest.raises(ValueError, match="widths\\[0\\] = n_inputs - 1 = 5.*widths\\[0\\] = 6"):
        export.to_bytes(*small_net()[:2], small_net()[2], geometry=RADIAL, **kw)
    with pytest.raises(ValueError, match="3 net outputs.*give 4"):
        outs = export.CANONICAL_OUTPUTS + ({"name": "w"},)
        export.to_bytes(ws[:1], bs[:1], ["identity"], inputs=T_SHIFT, outputs=outs, geometry=RADIAL)
    swapped = [T_SHIFT[1], T_SHIFT[0], *T_SHIFT[2:]]
    with pytest.raises(ValueError, match="needs x .* as inputs\\[0\\]; got 'y'"):
        radial_bytes(inputs=swapped)
    for bad in (0.0, -1.0, float("inf"), float("nan")):
        with pytest.raises(ValueError, match=f"r_scale = {bad} must be finite and > 0"):
            radial_bytes(geometry=dict(RADIAL, r_scale=bad))
    with pytest.raises(ValueError, match="r_offset = nan must be finite"):
        radial_bytes(geometry=dict(RADIAL, r_offset=float("nan")))
    with pytest.raises(ValueError, match="unknown keys \\['r_max'\\]"):
        radial_bytes(geometry=dict(RADIAL, r_max=1.0))
    depth_shift = [dict(e, shift=1.0) if e["name"] == "depth" else e for e in T_SHIFT]
    with pytest.raises(ValueError, match=r"inputs\[2\] \(depth\) has shift = 1.0 but is not log10"):
        radial_bytes(inputs=depth_shift)
    inf_shift = [dict(e, shift=float("inf")) if e["name"] == "t" else e for e in T_SHIFT]
    with pytest.raises(ValueError, match="inputs\\[3\\] \\(t\\) shift = inf must be finite"):
        radial_bytes(inputs=inf_shift)
    neg = [dict(e, shift=-1.0) if e["name"] == "t" else e for e in T_SHIFT]
    with pytest.raises(ValueError, match="inputs\\[3\\] is log10 .* not > 0 after the shift -1.0"):
        radial_bytes(inputs=neg)


def test_reader_refuses_bad_geometry_and_shift():
    good = radial_bytes()
    va.Surrogate.from_bytes(good)

    def geo(**kw):
        return lambda d: d["geometry"].update(kw)

    refused(edit(fn_doc=geo(kind="polar"), data=good), "unknown geometry kind 'polar'")
    refused(edit(fn_doc=geo(r_scale=0), data=good), '"r_scale" = 0 must be finite and > 0')
    refused(edit(fn_doc=geo(r_scale=-3.5), data=good), '"r_scale" = -3.5 must be finite and > 0')
    refused(edit(fn_doc=lambda d: d["geometry"].pop("r_offset"), data=good), 'lacks "r_offset"')
    refused(
        edit(fn_doc=lambda d: d["inputs"].pop(), data=good),
        "widths[0] = n_inputs - 1",
        "widths[0] = 5 with 5 inputs",
    )

    def swap(d):
        d["inputs"][0]["name"], d["inputs"][1]["name"] = "y", "x"

    refused(edit(fn_doc=swap, data=good), "needs x and y", "inputs[0] is 'y'")
    refused(
        edit(fn_doc=lambda d: d["inputs"][2].update(shift=2.5), data=good),
        'inputs[2] (depth) has "shift" = 2.5 but is not log10',
    )

    def v1(d):
        d["version"] = 1
        del d["geometry"]

    shifted = export.to_bytes(*small_net(), inputs=T_SHIFT, outputs=export.CANONICAL_OUTPUTS)
    refused(edit(fn_doc=v1, data=shifted), 'inputs[3] has "shift"', "needs format version 2")
    cart = edit(fn_doc=lambda d: d.update(geometry={"kind": "cartesian"}))
    assert va.Surrogate.from_bytes(cart).geometry == "cartesian"


def test_reader_refuses_radial_with_other_than_3_outputs():
    ws, bs, acts = small_net(widths=(5, 4, 2))
    data = export.to_bytes(
        ws, bs, acts[1:], inputs=T_SHIFT[:5], outputs=export.CANONICAL_OUTPUTS[:2]
    )

    def radial(d):
        d["inputs"].append(dict(d["inputs"][4], name="eta_K"))
        d["geometry"] = RADIAL

    refused(edit(fn_doc=radial, data=data), "needs 3 net outputs", "widths[-1] = 2")
