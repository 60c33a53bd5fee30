"""Strain, stress and traction kernels at depth (viscoann.exact_stress), issue 16 checks against
numbers: (1) t = 0 equals Okada DC3D0/DC3D gradients at depth (float64 Fortran references);
(2) the homogeneous viscoelastic half-space at depth against our own mpmath Talbot inversion of
Okada with alpha(s), mu(s), lam(s) (no use of the solver's (1, alpha, 1/alpha) split);
(3) Betti reciprocity P_i : sigma_j(x_i) = P_j : sigma_i(x_j) at every t for point sources in
different layers, and for patches with the traction averaged over the receiver; the traction
kernels' self-term and sign; (5) bad input."""

import math

import numpy as np
import pytest
import viscoann as va
from viscoann import _core, exact_stress

DATA = __import__("pathlib").Path(__file__).parent / "data" / "okada"
YR = 365.25 * 86400.0
MU = 30e9


def _lam(alpha, mu=MU):
    return mu * (2 * alpha - 1) / (1 - alpha)


def _uniform_at_t0(alpha):
    # Elastic lid over a Burgers layer over a Maxwell half-space, one material unrelaxed.
    lam = _lam(alpha)
    return va.EarthModel(
        [
            va.Layer(12e3, va.Elastic(MU), lam=lam),
            va.Layer(10e3, va.Burgers(MU, 1e19, MU, 1e18), lam=lam),
        ],
        va.Layer(None, va.Maxwell(MU, 3e19), lam=lam),
    )


def _layered():
    return va.EarthModel(
        [
            va.Layer(12e3, va.Elastic(30e9), lam=28e9),
            va.Layer(10e3, va.Burgers(32e9, 3e18, 32e9, 4e17), lam=35e9),
        ],
        va.Layer(None, va.Maxwell(40e9, 1e19), lam=40e9),
    )


def _rows(name):
    raw = np.genfromtxt(DATA / name, delimiter=",", names=True)
    return raw[raw["z_m"] < 0]


def test_t0_point_sources_equal_dc3d0_at_depth():
    rows = _rows("dc3d0.csv")
    assert rows.size >= 10
    worst = 0.0
    for r in rows:
        model = _uniform_at_t0(float(r["alpha"]))
        p = _core.okada_potency(
            float(r["dip_deg"]),
            np.array([r["pot1"], r["pot2"], r["pot3"], r["pot4"]]),
            MU,
            _lam(float(r["alpha"])),
        )
        out = _core.depth_field(
            *model.columns(),
            float(r["depth_m"]),
            np.array([p]),
            np.array([[r["x_m"]]]),
            np.array([[r["y_m"]]]),
            np.array([r["z_m"]]),
            np.array([0.0]),
        )
        g = out["grad"][0, 0, 0].ravel()
        ref = np.array(
            [r[c] for c in ("uxx", "uxy", "uxz", "uyx", "uyy", "uyz", "uzx", "uzy", "uzz")]
        )
        u = out["u"][0, 0, 0]
        uref = np.array([r["ux"], r["uy"], r["uz"]])
        worst = max(worst, np.max(np.abs(g - ref)) / np.max(np.abs(ref)))
        worst = max(worst, np.max(np.abs(u - uref)) / np.max(np.abs(uref)))
    assert worst < 1e-9


def test_t0_rectangles_equal_dc3d_at_depth():
    rows = _rows("dc3d.csv")
    rows = rows[np.abs(rows["disl3_m"]) == 0] if np.any(rows["disl3_m"] == 0) else rows
    worst, n = 0.0, 0
    for r in rows[:12]:
        alpha, dip = float(r["alpha"]), float(r["dip_deg"])
        sd, cd = math.sin(math.radians(dip)), math.cos(math.radians(dip))
        eta_c = 0.5 * (r["aw1_m"] + r["aw2_m"])
        d1, d2 = float(r["disl1_m"]), float(r["disl2_m"])
        slip = math.hypot(d1, d2)
        patch = va.RectangularFault(
            east=0.5 * (r["al1_m"] + r["al2_m"]),
            north=eta_c * cd,
            depth=r["depth_m"] - eta_c * sd,
            strike=90.0,
            dip=dip,
            length=r["al2_m"] - r["al1_m"],
            width=r["aw2_m"] - r["aw1_m"],
            rake=math.degrees(math.atan2(d2, d1)),
            slip=slip,
        )
        model = _uniform_at_t0(alpha)
        # The opening's part is Okada's, elastic: subtract it with DC3D itself.
        u3, g3 = va.okada.rectangle(
            r["x_m"],
            r["y_m"],
            r["z_m"],
            r["depth_m"],
            dip,
            r["al1_m"],
            r["al2_m"],
            r["aw1_m"],
            r["aw2_m"],
            [0.0, 0.0, r["disl3_m"]],
            alpha=alpha,
            gradients=True,
        )
        g = exact_stress.displacement_gradient(
            model, patch, [[r["x_m"], r["y_m"], r["z_m"]]], [0.0]
        )[0, 0]
        ref = (
            np.array(
                [r[c] for c in ("uxx", "uxy", "uxz", "uyx", "uyy", "uyz", "uzx", "uzy", "uzz")]
            ).reshape(3, 3)
            - g3
        )
        worst = max(worst, np.max(np.abs(g - ref)) / np.max(np.abs(ref)))
        n += 1
    assert n >= 5
    assert worst < 1e-7


def test_homogeneous_viscoelastic_halfspace_at_depth():
    # Maxwell half-space, a vertical strike-slip point source (moment/mu fixed): the field is
    # Okada's DC3D0 at alpha(s). Okada takes real alpha only, so alpha u(alpha) is continued
    # to complex alpha by a degree-6 least-squares polynomial through 9 real alphas (no use of
    # the solver's exact degree-2 split), and u(s)/s, sigma(s)/s are inverted per point by our
    # own fixed Talbot rule in mpmath (50 digits, 40 nodes).
    from test_exact_sources import mp, talbot

    mu0, lam0, eta = 30e9, 30e9, 1e19
    model = va.EarthModel([], va.Layer(None, va.Maxwell(mu0, eta), lam=lam0))
    tau = eta / mu0
    times = np.array([0.3, 1.0, 3.0]) * tau
    pts = np.array([[4e3, 3e3, -2e3], [-7e3, 2e3, -14e3], [1e3, -9e3, -25e3]])
    p = np.array([[0.0, 0.0, 0.0, -0.5, 0.0, 0.0]])  # POT1 = 1 m^3 on a vertical plane
    out = _core.depth_field(
        *model.columns(),
        10e3,
        p,
        pts[None, :, 0].copy(),
        pts[None, :, 1].copy(),
        pts[:, 2].copy(),
        times,
    )
    K = lam0 + 2 * mu0 / 3
    al = np.linspace(0.5, 0.95, 9)
    g = np.array(
        [
            va.okada.point(
                pts[:, 0], pts[:, 1], pts[:, 2], 10e3, 90.0, [1.0, 0, 0, 0], alpha=a, gradients=True
            )[1].reshape(-1)
            for a in al
        ]
    )  # (9, 27)
    coef = np.polynomial.polynomial.polyfit(al, al[:, None] * g, 6)  # (7, 27)

    def F(s):
        mu = 1 / (1 / mp.mpf(mu0) + 1 / (mp.mpf(eta) * s))
        lam = K - 2 * mu / 3
        a = (lam + mu) / (lam + 2 * mu)
        gs = [sum(mp.mpf(float(coef[q, c])) * a**q for q in range(7)) / a for c in range(27)]
        gm = np.array(gs, dtype=object).reshape(3, 3, 3)
        res = []
        for i in range(3):
            tr = gm[i, 0, 0] + gm[i, 1, 1] + gm[i, 2, 2]
            for a_ in range(3):
                for b_ in range(3):
                    res.append(gm[i, a_, b_])
                    res.append(mu * (gm[i, a_, b_] + gm[i, b_, a_]) + (lam * tr if a_ == b_ else 0))
        return [v / s for v in res]

    for it, t in enumerate(times):
        ref = talbot(F, t).reshape(3, 3, 3, 2)
        g_ref, s_ref = ref[..., 0], ref[..., 1]
        gs = np.max(np.abs(g_ref), axis=(1, 2), keepdims=True)
        ss = np.max(np.abs(s_ref), axis=(1, 2), keepdims=True)
        assert np.max(np.abs(out["grad"][it, 0] - g_ref) / gs) < 1e-6
        assert np.max(np.abs(out["stress"][it, 0] - s_ref) / ss) < 1e-6
    # The relaxation is large: the unrelaxed stress differs from the one at 3 tau.
    assert np.max(np.abs(out["stress"][-1, 0] - out["stress"][0, 0])) > 0.1 * np.max(
        np.abs(out["stress"][0, 0])
    )


def _double_couple(strike, dip, rake, model, depth):
    src = va.PointSource(
        east=0.0, north=0.0, depth=depth, strike=strike, dip=dip, rake=rake, potency=1.0
    )
    return va.exact_sources.potency_tensor(model, src)


def _full(p6):
    xx, yy, zz, xy, xz, yz = p6
    return np.array([[xx, xy, xz], [xy, yy, yz], [xz, yz, zz]])


def test_betti_reciprocity_point_sources_in_different_layers():
    model = _layered()
    times = np.array([0.0, 0.1, 1.0, 10.0, 100.0]) * YR
    a = (np.array([0.0, 0.0, -8e3]), (30.0, 60.0, 80.0))  # elastic lid
    b = (np.array([9e3, -5e3, -17e3]), (300.0, 35.0, -120.0))  # Burgers layer
    pa = _double_couple(*a[1], model, -a[0][2])
    pb = _double_couple(*b[1], model, -b[0][2])

    def sigma(src, p, rec):
        out = _core.depth_field(
            *model.columns(),
            -src[2],
            np.array([p]),
            np.array([[rec[0] - src[0]]]),
            np.array([[rec[1] - src[1]]]),
            np.array([rec[2]]),
            times,
        )
        return out["stress"][:, 0, 0]

    ab = np.einsum("tij,ij->t", sigma(a[0], pa, b[0]), _full(pb))
    ba = np.einsum("tij,ij->t", sigma(b[0], pb, a[0]), _full(pa))
    assert np.max(np.abs(ab - ba)) < 1e-6 * np.max(np.abs(ab))
    assert abs(ab[-1] - ab[0]) > 1e-3 * abs(ab[0])  # the viscous layers relax


def _gauss_points(patch, n):
    x, w = np.polynomial.legendre.leggauss(n)
    along, updip, _, _ = va.frames.fault_vectors(patch.strike, patch.dip)
    c = np.array([patch.east, patch.north, -patch.depth])
    pts, wts = [], []
    for xi, wi in zip(x, w, strict=True):
        for xj, wj in zip(x, w, strict=True):
            pts.append(c + 0.5 * patch.length * xi * along + 0.5 * patch.width * xj * updip)
            wts.append(0.25 * wi * wj)
    return np.array(pts), np.array(wts)


def test_betti_reciprocity_patches_averaged_traction():
    model = _layered()
    times = np.array([0.0, 3.0, 30.0]) * YR
    pi = va.RectangularFault(0.0, 0.0, 8e3, 20.0, 70.0, 2e3, 2e3, 30.0, 1.0)
    pj = va.RectangularFault(10e3, 4e3, 16e3, 110.0, 40.0, 3e3, 2e3, -60.0, 1.0)

    def averaged(src, rec):
        pts, w = _gauss_points(rec, 4)
        s = exact_stress.stress(model, src, pts, times, tol=1e-8)  # (T, P, 3, 3)
        _, _, n, slip = va.frames.fault_vectors(rec.strike, rec.dip, rec.rake)
        return np.einsum("tpij,i,j,p->t", s, slip, n, w)

    kij = pi.length * pi.width * averaged(pj, pi)
    kji = pj.length * pj.width * averaged(pi, pj)
    assert np.max(np.abs(kij - kji)) < 1e-6 * np.max(np.abs(kij))


def test_traction_kernels_self_term_and_okada_at_t0():
    model = _uniform_at_t0(2.0 / 3.0)
    fault = va.RectangularFault(0.0, 0.0, 8e3, 45.0, 60.0, 4e3, 3e3, 90.0, 1.0).subdivide(2, 1)
    times = np.array([0.0, 10.0 * YR])
    k, flags = exact_stress.traction_kernels(model, fault, fault, times, return_flags=True)
    assert k.shape == (2, 2, 2, 3)
    assert np.all(np.isfinite(k))
    assert flags[0, 0] == 1 and flags[1, 1] == 1 and flags[0, 1] == 0
    # Unit reverse slip (rake 90) unloads its own patch: negative shear along dip.
    assert k[0, 0, 0, 1] < 0 and k[0, 1, 1, 1] < 0
    # t = 0: Okada's DC3D traction (the model is uniform then).
    p = fault.patches[1]
    q = fault.patches[0]
    along, updip, n, _ = va.frames.fault_vectors(q.strike, q.dip)
    x, y = va.frames.enu_to_okada(q.east - p.east, q.north - p.north, p.strike)
    _, g = va.okada.rectangle(
        x,
        y,
        -q.depth,
        p.depth,
        p.dip,
        -p.length / 2,
        p.length / 2,
        -p.width / 2,
        p.width / 2,
        [0.0, 1.0, 0.0],
        gradients=True,
    )
    (xe, xn), (ye, yn) = va.frames.okada_axes(p.strike)
    rot = np.array([[xe, ye, 0.0], [xn, yn, 0.0], [0.0, 0.0, 1.0]])  # columns: Okada's axes
    g = rot @ g @ rot.T
    sig = MU * (g + g.T) + MU * np.trace(g) * np.eye(3)
    t = sig @ n
    ref = np.array([t @ along, t @ updip, t @ n])
    assert np.max(np.abs(k[0, 0, 1] - ref)) < 1e-7 * np.max(np.abs(ref))


def test_bad_input_names_the_receiver():
    model = _layered()
    src = va.PointSource(
        east=0.0, north=0.0, depth=9e3, strike=0.0, dip=90.0, rake=0.0, potency=1.0
    )
    with pytest.raises(ValueError, match=r"points\[1\] has z = 5.0 > 0: above the free surface"):
        exact_stress.strain(model, src, [[1e3, 0, -1e3], [0, 0, 5.0]], [0.0])
    with pytest.raises(ValueError, match=r"receiver 0 .* on the source point"):
        exact_stress.stress(model, src, [[0.0, 0.0, -9e3]], [0.0])
    with pytest.raises(ValueError, match="opening"):
        exact_stress.strain(
            model,
            va.RectangularFault(0, 0, 8e3, 0, 60, 2e3, 2e3, 0, 1.0, opening=0.5),
            [[5e3, 0, -1e3]],
            [0.0],
        )


def test_readme_stress_snippet_runs_and_unloads_its_patches(tmp_path, monkeypatch):
    # The README's Python snippet (section "Stress and traction at depth") as written, in a
    # scratch directory (it writes its store, tables.h5, where it runs).
    from conftest import ROOT

    monkeypatch.chdir(tmp_path)

    readme = (ROOT / "README.md").read_text()
    section = readme.split("## Stress and traction at depth", 1)[1]
    code = section.split("```python", 1)[1].split("```", 1)[0]
    ns: dict = {}
    exec(compile(code, "README.md", "exec"), ns)
    k, flags = ns["k"], ns["flags"]
    assert k.shape == (3, 8, 8, 3)
    assert np.array_equal(flags, np.eye(8, dtype=np.uint8))
    # Unit reverse slip (rake 90) unloads its own patch at every time.
    assert np.all(np.diagonal(k[:, :, :, 1], axis1=1, axis2=2) < 0)
    assert (tmp_path / "tables.h5").is_file()
