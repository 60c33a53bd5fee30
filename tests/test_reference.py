"""The float64 reference evaluation of a model file (reference.py): the features it forms,
the elastic part it adds, and the same result from a path, bytes or a model document. The
engines are judged against it in test_surrogate.py, test_mlp_cuda.py and test_train.py."""

import numpy as np
import pytest
import viscoann as va
from viscoann import export, reference, train
from viscoann.conventions import DOMAIN, YEAR


def test_features_map_the_domain_box_to_unit_cube():
    model = train.model_document(train.TrainConfig())  # what a run's model file holds
    corners = np.array([[DOMAIN[n][k] for n in DOMAIN] for k in (0, 1)])
    np.testing.assert_allclose(reference.features(model, corners), [[-1] * 6, [1] * 6], atol=1e-12)
    mid = reference.features(model, np.array([[0, 0, 7.5e3, 50 * YEAR, 10**19.5, 10**18.5]]))
    np.testing.assert_allclose(mid, 0, atol=1e-12)


def test_elastic_part_is_dc3d0_dip_90_unit_strike_slip_potency():
    # the remainder target subtracts exactly this field, and the reference adds it back;
    # tests/test_okada.py checks it against Okada's Fortran
    rng = np.random.default_rng(1)
    x, y = rng.uniform(-100e3, 100e3, (2, 200))
    u = reference.ELASTIC_FIELDS["okada_point_strike_slip"](x, y, 7.9e3)
    ref = va.okada.point(x, y, np.zeros_like(x), 7.9e3, 90.0, [1.0, 0, 0, 0], alpha=2 / 3)
    np.testing.assert_allclose(u, ref, rtol=1e-12, atol=1e-12 * np.abs(ref).max())


def test_path_bytes_and_document_give_the_same_prediction(tmp_path):
    rng = np.random.default_rng(3)
    model = {
        "weights": [rng.normal(size=(4, 6)), rng.normal(size=(3, 4))],
        "biases": [rng.normal(size=4), rng.normal(size=3)],
        "activations": ["tanh", "identity"],
        "inputs": export.CANONICAL_INPUTS,
        "outputs": [dict(e, scale=1e-11) for e in export.CANONICAL_OUTPUTS],
        "elastic_part": "okada_point_strike_slip",
    }
    path = export.write(tmp_path / "m.safetensors", model)
    X = np.array([[1e4, -2e4, 5e3, 3e8, 1e19, 1e18], [-5e4, 7e4, 12e3, 2e9, 3e20, 2e17]])
    u = reference.predict(model, X)
    np.testing.assert_array_equal(reference.predict(path, X), u)
    np.testing.assert_array_equal(reference.predict(path.read_bytes(), X), u)
    np.testing.assert_array_equal(reference.predict(export.read(path), X), u)
    # the elastic part is the named function, replaceable for stand-in fields
    bare = reference.predict(dict(model, elastic_part="none"), X)
    np.testing.assert_array_equal(
        reference.predict(model, X, elastic=lambda x, y, d: np.zeros((len(x), 3))), bare
    )


def test_bad_inputs_are_refused_with_names():
    model = {"inputs": export.CANONICAL_INPUTS, "outputs": export.CANONICAL_OUTPUTS}
    with pytest.raises(ValueError, match=r"X has shape \(2, 5\); need \(N, 6\)"):
        reference.features(model, np.zeros((2, 5)))
    with pytest.raises(ValueError, match="model must be a model file path, bytes or a dict"):
        reference.predict(42, np.zeros((1, 6)))
