"""Rank of dφ at a point, criticality, the scan and the degree sweep (docs/math.md §5).

Oracles: the rank of the Jacobian of the *coefficient* map computed independently with sympy
(symbolic expansion of f_W), hand-derived images of dφ for shallow nets, and Alexander–Hirschowitz
generic ranks.
"""

import json
import subprocess
import sys

import numpy as np
import pytest
import sympy
from cli_helpers import run_cli

from neuromanifold import MLP, Parameters
from neuromanifold.geometry.bounds import known_degree_bounds
from neuromanifold.geometry.critical_scan import degree_sweep, scan
from neuromanifold.geometry.criticality import rank_at_point, symmetry_directions


def sympy_jacobian(params):
    """Jacobian of W ↦ (coefficients of f_W) at the point, by symbolic expansion (no biases)."""
    arch = params.architecture
    xs = sympy.symbols(f"x0:{arch.input_dim}")
    syms, mats = [], []
    for ell, layer in enumerate(arch.layers):
        M = sympy.Matrix(layer.out_dim, layer.in_dim, lambda i, j: sympy.Symbol(f"w{ell}_{i}_{j}"))
        syms += list(M)
        mats.append(M)
    h = sympy.Matrix(xs)
    for ell, M in enumerate(mats):
        z = M * h
        h = z.applyfunc(arch.activations[ell].to_sympy) if ell < len(mats) - 1 else z
    coeffs = []
    for out in h:
        poly = sympy.Poly(sympy.expand(out), *xs)
        coeffs += poly.coeffs()
    J = sympy.Matrix(coeffs).jacobian(syms)
    point = dict(zip(syms, [sympy.Rational(str(v)) for v in params.flatten()]))
    return J.subs(point)


def sympy_rank(params):
    return sympy_jacobian(params).rank()


@pytest.mark.parametrize(
    "widths, r, weights, generic_rank, critical",
    [
        # dim V by AH (d_0, d_1, 1): (2,2,1) r = 2: min(4, C(3, 2)) = 3 (filling); r = 3: min(4, C(4, 3)) = 4;
        # (3,4,1) r = 2: d_1 = 4 > d_0 − 1, so C(4, 2) = 6 (filling).  (2,2,2,1) r = 2: binary quartics, A = 5,
        # reached at the point below (sympy rank 5), so dim V = 5.  critical ⇔ sympy rank < dim V.
        ((2, 2, 1), 2, [[[1, 2], [3, -1]], [[2, -1]]], 3, False),  # generic: rank 3 = dim Sym²(ℝ²)
        ((2, 2, 1), 2, [[[1, 2], [3, -1]], [[2, 0]]], 3, False),  # zero outgoing weight, filling: still rank 3
        ((2, 2, 1), 2, [[[1, 2], [0, 0]], [[2, 5]]], 3, True),  # zero incoming row: rank 2
        ((2, 2, 1), 3, [[[1, 2], [2, 4]], [[1, 1]]], 4, True),  # proportional rows: rank 2 < 4
        # rows in the plane z = 0: image ℓ_i·{x, y, z} + ℓ_i² = span{x², xy, y², xz, yz}: rank 5 < 6
        ((3, 4, 1), 2, [[[1, 0, 0], [0, 1, 0], [1, 1, 0], [1, -1, 0]], [[1, 2, 3, 4]]], 6, True),
        ((2, 2, 2, 1), 2, [[[1, 1], [1, -1]], [[1, 2], [2, 1]], [[1, -1]]], 5, False),
    ],
)
def test_exact_rank_matches_sympy(widths, r, weights, generic_rank, critical):
    p = Parameters(MLP(widths, r), weights)
    res = rank_at_point(p)
    rank = sympy_rank(p)
    assert res.rank == rank and (rank < generic_rank) == critical
    assert res.generic_rank == generic_rank and res.critical == critical


def test_generic_ranks_are_alexander_hirschowitz():
    # (2,2,1): min(4, C(3,2)) = 3 for r = 2; min(4, C(4, 3)) = 4 for r = 3
    assert rank_at_point(Parameters(MLP((2, 2, 1), 2), [[[1, 2], [3, -1]], [[2, -1]]])).generic_rank == 3
    assert rank_at_point(Parameters(MLP((2, 2, 1), 3), [[[1, 2], [3, -1]], [[2, -1]]])).generic_rank == 4


def test_certification_language():
    p = Parameters(MLP((2, 2, 1), 3), [[[1, 2], [2, 4]], [[1, 1]]])
    kernel = rank_at_point(p)
    assert kernel.method == "exact-kernel" and kernel.critical and kernel.certified and kernel.error_bound == 0.0
    exact = rank_at_point(p, verify_limit=0)
    assert exact.method == "exact" and exact.certified and exact.error_bound == 0.0
    assert exact.rank == kernel.rank == 2  # by hand: span{x_1 l², x_2 l²}, l = x_1 + 2x_2; two routes, one answer
    projected = rank_at_point(p, exact_limit=0, verify_limit=0)
    # Schwartz–Zippel over Q with 2 trials at integers below 2^24: ((2 + 1)·(3 + 1)/2^24)^2 ≈ 5.1e-13
    assert projected.method == "exact-projected" and projected.critical and not projected.certified
    assert projected.error_bound == pytest.approx((3 * 4 / 2**24) ** 2)
    generic = rank_at_point(Parameters(MLP((2, 2, 1), 3), [[[1, 2], [3, -1]], [[2, -1]]]))
    assert not generic.critical and generic.certified  # lower bound meets the certified dim V


def test_extra_kernel_is_in_the_exact_kernel_and_beyond_the_rescalings():
    p = Parameters(MLP((3, 4, 1), 2), [[[1, 0, 0], [0, 1, 0], [1, 1, 0], [1, -1, 0]], [[1, 2, 3, 4]]])
    res = rank_at_point(p)
    J = sympy_jacobian(p)
    E = sympy.Matrix(res.extra_kernel.tolist())
    assert (J * E).is_zero_matrix
    S = sympy.Matrix(symmetry_directions(p).tolist())
    assert (J * S).is_zero_matrix  # the rescalings are always in the kernel
    assert S.row_join(E).rank() == S.rank() + E.shape[1]
    assert res.kernel_dimension == 16 - 5 and res.symmetry_rank == 4 and E.shape[1] == 16 - 5 - 4


def test_float_weights_give_singular_values_and_no_certificate():
    p = Parameters(MLP((2, 2, 1), 3), [[[1.0, 2.0], [2.0, 4.0]], [[1.0, 1.0]]])
    res = rank_at_point(p)
    assert res.method == "float" and not res.certified
    assert res.rank == 2 and res.critical
    s = np.array(res.singular_values)
    assert s[1] > 1e-3 * s[0] and s[2] < 1e-10 * s[0]


def test_bad_arguments():
    with pytest.raises(TypeError, match="'params'"):
        rank_at_point([[1, 2]])
    with pytest.raises(TypeError, match="'architecture'"):
        scan((2, 2, 1))
    with pytest.raises(ValueError, match="'random_points'"):
        scan(MLP((2, 2, 1), 2), random_points=-1)
    with pytest.raises(ValueError, match="'degrees'"):
        degree_sweep((2, 2, 1), [])


def test_scan_filling_shallow_net_has_noncritical_subnetworks():
    # (2,2,1), r = 2 fills Sym²(ℝ²) (dim 3).  With a zero outgoing weight the image of dφ is
    # ℓ_1·x, ℓ_1·y, ℓ_2² — all binary quadratics — so that subnetwork is not critical.
    result = scan(MLP((2, 2, 1), 2), numerical_starts=1, numerical_steps=5)
    assert not result.random_critical
    labels = {c.label for c in result.noncritical_subnetworks}
    assert any("zero outgoing" in label for label in labels)
    assert not result.holds


def test_scan_finds_a_non_subnetwork_critical_point_at_small_r():
    result = scan(MLP((3, 4, 1), 2), numerical_starts=1, numerical_steps=5)
    assert result.counterexamples
    for c in result.counterexamples:
        W1 = np.array(c.params.weights[0], dtype=float)
        W2 = np.array(c.params.weights[1], dtype=float)
        # independently: no zero row/column, no two proportional rows ...
        assert np.all(np.linalg.norm(W1, axis=1) > 0) and np.all(W2 != 0)
        for i in range(4):
            for j in range(i + 1, 4):
                assert np.linalg.matrix_rank(W1[[i, j]]) == 2
        # ... yet the coefficient Jacobian (sympy) has rank < 6 = dim Sym²(ℝ³) (AH: filling)
        assert sympy_rank(c.params) < 6
    out = json.loads(json.dumps(result.to_dict()))
    assert out["counterexamples"] and "weights" in out["counterexamples"][0]


def test_equivalence_holds_for_a_shallow_net_at_large_r():
    result = scan(MLP((2, 3, 1), 6), numerical_starts=1, numerical_steps=10)
    assert len([c for c in result.checks if c.kind == "subnetwork"]) >= 4
    assert result.holds, result.summary()


def test_degree_sweep_threshold_for_two_neurons():
    # r = 2 fails (filling, derived above); from r = 3 on ℓ_1^{r-1}·x, ℓ_1^{r-1}·y, ℓ_2^{r-1}·x, ℓ_2^{r-1}·y are
    # independent for non-proportional ℓ_i, and every subnetwork drops rank.
    sweep = degree_sweep((2, 2, 1), [2, 3, 4], numerical_starts=1, numerical_steps=5)
    assert [s.holds for s in sweep.scans] == [False, True, True]
    assert sweep.threshold == 3
    # docs/math.md §5 with k = d_1 = 4 hidden neurons: Newman–Slater r > k(k − 2) = 8 → 9; Crăciun
    # r > max{k·C(k − 1, 2), 2} = 4·3 = 12 → 13; Usevich et al. r ≥ 2 d_1 − 1 = 7
    b = known_degree_bounds(MLP((3, 4, 1), 2))
    assert (b.largest_width, b.newman_slater, b.craciun, b.usevich) == (4, 9, 13, 7) and b.certified


def test_cli_weights_json_and_bad_weights(tmp_path):
    path = tmp_path / "w.json"
    Parameters(MLP((2, 3, 1), 2), [[[1, 2], [2, 4], [0, 1]], [[1, 1, 0]]]).save(path)
    res = run_cli("critical", "2,3,1", "--degree", "2", "--weights", str(path), "--json")
    assert res.returncode == 0, res.stderr
    data = json.loads(res.stdout)
    assert data["subnetwork"] == {"inactive": [[1, 2]], "redundant": [[1, [0, 1]]]}
    assert data["reduced_widths"] == [2, 1, 1]
    # image of dφ: (x+2y)·x, (x+2y)·y (row derivatives), (x+2y)², y² (columns): all of Sym²(ℝ²)
    assert data["critical"] is False and data["generic_rank"] == 3 and data["rank"] == 3
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"weights": [[[1, 2]], [[1]]]}))
    res = run_cli("critical", "2,3,1", "--degree", "2", "--weights", str(bad))
    assert res.returncode == 2 and "'weights'" in res.stderr and len(res.stderr.strip().splitlines()) == 1
    bad.write_text(json.dumps({"weights": [[[1, 2], [1, 1], [1, 0]]]}))
    res = run_cli("critical", "2,3,1", "--degree", "2", "--weights", str(bad))
    assert res.returncode == 2 and "one array per layer" in res.stderr


def test_cli_scan_shows_progress_on_a_terminal_only_and_the_verdict():
    import os
    import pty

    res = run_cli("critical", "2,2,1", "--degree", "3", "--starts", "1", "--steps", "3")
    assert res.returncode == 0, res.stderr
    assert "critical ⇔ subnetwork holds on all tests" in res.stdout
    assert "scan (2, 2, 1)" not in res.stderr  # stderr is a pipe (a log file): no bar
    import fcntl
    import struct
    import termios

    master, slave = pty.openpty()  # stderr a terminal (80 columns, or tqdm draws an empty bar): the bar is drawn
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    chunks = []

    def read():
        while True:
            try:
                data = os.read(master, 65536)
            except OSError:
                return
            if not data:
                return
            chunks.append(data)

    import threading

    reader = threading.Thread(target=read)
    reader.start()  # read while the child writes: a full pty buffer would block it
    proc = subprocess.run([sys.executable, "-m", "neuromanifold", "critical", "2,2,1", "--degree", "3", "--starts", "1",
                           "--steps", "3"], stdout=subprocess.PIPE, stderr=slave, timeout=300)
    os.close(slave)
    reader.join(10)
    os.close(master)
    assert proc.returncode == 0
    assert "scan (2, 2, 1)" in b"".join(chunks).decode(errors="replace")


@pytest.mark.parametrize("widths, r, seed", [((3, 3, 1), 2, 0), ((2, 3, 2), 3, 1), ((3, 2, 2, 1), 2, 2)])
def test_exact_kernel_certificate_matches_sympy_at_rational_subnetwork_points(widths, r, seed):
    from fractions import Fraction

    rng = np.random.default_rng(seed)
    arch = MLP(widths, r)
    W = [[[Fraction(int(a), int(b)) for a, b in zip(ra, rb)] for ra, rb in
          zip(rng.integers(-4, 5, (o, i)), rng.integers(1, 4, (o, i)))] for o, i in zip(widths[1:], widths[:-1])]
    W[0][1] = [2 * v for v in W[0][0]]  # neuron 1 of layer 1 is redundant with neuron 0: a subnetwork, critical
    p = Parameters(arch, W)
    res = rank_at_point(p, exact_limit=0)  # no grid rank: the kernel route must decide alone
    J = sympy_jacobian(p)
    assert res.method == "exact-kernel" and res.certified and res.rank == J.rank() and res.critical
    E = sympy.Matrix(res.extra_kernel.tolist())
    assert (J * E).is_zero_matrix and E.rank() == E.shape[1]


def test_unisolvent_inputs_are_unisolvent():
    # independently: the monomial Vandermonde at the points is square and invertible (sympy rank over Q)
    from itertools import combinations_with_replacement

    from neuromanifold.geometry.point_kernel import unisolvent_inputs

    for arch, degrees in [(MLP((3, 2, 1), 3), [3]), (MLP((2, 2, 1), "z^2 + z"), [0, 1, 2]),
                          (MLP((3, 2, 1), 2, bias=True), [0, 1, 2])]:
        pts = unisolvent_inputs(arch)
        d0 = arch.input_dim
        monos = [m for e in degrees for m in combinations_with_replacement(range(d0), e)]
        V = sympy.Matrix([[sympy.prod([int(x[i]) for i in m]) for m in monos] for x in pts])
        assert V.shape[0] == V.shape[1] == len(monos) and V.rank() == len(monos)


def test_rational_reconstruction_recovers_small_fractions_and_refuses_others():
    from fractions import Fraction

    from neuromanifold.parametrization import rational_reconstruction

    p = 2_147_483_629
    for q in [Fraction(0), Fraction(-1), Fraction(3, 7), Fraction(-22, 5), Fraction(32_000, 31_999)]:
        assert rational_reconstruction(q.numerator * pow(q.denominator, -1, p) % p, p) == q
    assert rational_reconstruction(123_456_789, p) is None  # no fraction with both parts ≤ √(p/2)


@pytest.mark.parametrize("act", ["z^2 + z", "(z + 1)^3", "2*(z - 1/2)^2 + 3"])
def test_rescalings_of_shifted_monomials_with_biases_are_in_the_kernel(act):
    # by sympy: f_θ(x) for (2, 2, 1) with biases, differentiated along each returned direction, is identically 0
    arch = MLP((2, 2, 1), act, bias=True)
    p = Parameters.random(arch, seed=3)
    S = symmetry_directions(p)
    assert S.shape == (arch.n_params, 2)  # both hidden neurons are rescalable (affinely z^r)
    theta = sympy.symbols(f"t0:{arch.n_params}")
    x = sympy.symbols("x0:2")
    z = sympy.Symbol("z")
    sigma = sympy.Lambda(z, arch.activations[0].to_sympy(z))
    # θ order (docs/design.md): W_1 row-major (t0..t3), b_1 (t4, t5), W_2 (t6, t7), b_2 (t8)
    h = [sigma(theta[2 * i] * x[0] + theta[2 * i + 1] * x[1] + theta[4 + i]) for i in range(2)]
    f = theta[6] * h[0] + theta[7] * h[1] + theta[8]
    at = dict(zip(theta, [sympy.Rational(v) for v in p.flatten()]))
    for j in range(S.shape[1]):
        jvp = sum(sympy.diff(f, t) * sympy.Rational(S[i, j]) for i, t in enumerate(theta))
        assert sympy.expand(jvp.subs(at)) == 0


def test_beyond_every_exact_route_no_bound_is_claimed(monkeypatch):
    import neuromanifold.geometry.criticality as crit

    monkeypatch.setattr(crit, "PROJECTED_LIMIT", 0)
    p = Parameters(MLP((2, 2, 1), 3), [[[1, 2], [2, 4]], [[1, 1]]])
    res = rank_at_point(p, exact_limit=0, verify_limit=0)
    assert res.method == "mod-p" and not res.certified and res.to_dict()["error_bound"] is None
    assert "not proven" in res.note and "undecided" in res.summary()
    assert "NaN" not in json.dumps(res.to_dict(), default=str)
