"""Exports to Macaulay2 / Singular / Sage, checked by running them in the real systems (README: apt-get install
singular macaulay2), equations at a point against sympy, and the degree of V against classical formulas."""

from __future__ import annotations

import ast
import json
import shutil
import subprocess
from fractions import Fraction
from math import comb

import pytest
import sympy

from neuromanifold import MLP, Parameters, vanishing_ideal
from neuromanifold.architectures import CNN
from neuromanifold.geometry.cas import ideal_script, parameter_names, parametrization_script
from neuromanifold.geometry.degree import (
    determinantal_degree,
    symmetric_determinantal_degree,
    variety_degree,
)
from neuromanifold.geometry.equations import coefficients, coordinates
from neuromanifold.parametrization.symbolic import symbolic_outputs

HAS_M2 = shutil.which("M2") is not None
HAS_SINGULAR = shutil.which("Singular") is not None
needs_m2 = pytest.mark.skipif(not HAS_M2, reason="Macaulay2 not installed (README: apt-get install macaulay2)")
needs_singular = pytest.mark.skipif(not HAS_SINGULAR, reason="Singular not installed (README: apt-get install singular)")


def _run(system: str, script: str, tmp_path) -> dict:
    path = tmp_path / ("s.m2" if system == "m2" else "s.sing")
    path.write_text(script)
    cmd = ["M2", "--script", str(path)] if system == "m2" else ["Singular", "-q", "--no-rc", str(path)]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    checks = {}
    for line in out.stdout.splitlines():
        if line.startswith("neuromanifold-check "):
            _, key, value = line.split(" ", 2)
            checks[key] = value.strip()
    return checks


def _hilbert(text: str) -> list[int]:
    return [int(v) for v in text.strip("(){}").split(",")]


# hypersurface (symmetric cubic), determinantal (Segre: 3×3 of rank 1), Veronese (twisted cubic), a CNN, and the
# secant variety σ₂(ν₃(ℙ²)) whose degree 15 the tool gets from a count
# (architecture, max degree, deg V known independently: the symmetric determinant cubic, Segre ℙ²×ℙ² (6), the twisted
# cubic, the CNN formula 2!·2 = 4, the classical degree 15 of σ₂(ν₃(ℙ²)))
CASES = [
    (MLP((3, 2, 1), 2), 3, 3),
    (MLP((3, 1, 3), 1), 2, 6),
    (MLP((2, 1, 1), 3), 2, 3),
    (CNN(3, (2, 2), None, 2), 3, 4),
    (MLP((3, 2, 1), 3), 3, 15),
]


@pytest.fixture(scope="module")
def ideals():
    return {repr(a): vanishing_ideal(a, k) for a, k, _ in CASES}


@pytest.mark.parametrize("system", ["m2", "singular"])
@pytest.mark.parametrize("arch,k,degree", CASES, ids=[repr(a) for a, _, _ in CASES])
def test_ideal_script_reproduces_the_numbers_in_the_cas(system, arch, k, degree, ideals, tmp_path):
    if system == "m2" and not HAS_M2 or system == "singular" and not HAS_SINGULAR:
        pytest.skip(f"{system} not installed (README: apt-get install singular macaulay2)")
    r = ideals[repr(arch)]
    checks = _run(system, ideal_script(r, system), tmp_path)
    assert int(checks["dim"]) == r.dimension
    assert _hilbert(checks["hilbert"]) == list(r.hilbert_function)
    assert int(checks["degree"]) == degree  # the exported ideal is right
    assert r.degree == degree or (r.degree is None and not HAS_SINGULAR)  # and so is the tool's own degree


@pytest.mark.parametrize("system", ["m2", "singular"])
@pytest.mark.parametrize("arch,k,degree", CASES[:4], ids=[repr(a) for a, _, _ in CASES[:4]])
def test_eliminating_the_exported_parametrisation_gives_the_tools_ideal(system, arch, k, degree, ideals, tmp_path):
    if system == "m2" and not HAS_M2 or system == "singular" and not HAS_SINGULAR:
        pytest.skip(f"{system} not installed (README: apt-get install singular macaulay2)")
    r = ideals[repr(arch)]
    checks = _run(system, parametrization_script(arch, system, r), tmp_path)
    assert checks["contains"] == "true" and checks["equal"] == "true"
    assert int(checks["dim"]) == r.dimension and int(checks["degree"]) == degree


def test_powers_are_never_python_powers_and_names_are_unambiguous(ideals):
    r = ideals[repr(MLP((3, 2, 1), 3))]
    for system in ("m2", "singular", "sage"):
        text = ideal_script(r, system)
        assert "**" not in text  # a tensor power in Macaulay2
    m2 = ideal_script(r, "m2")
    assert "c_(0,2,1,0)" in m2 and "coefficient of x0^2*x1 in output 0" in m2
    # exponents >= 10 stay unambiguous: (2,1,1) with sigma = z^11 has c_(0,11,0) and c_(0,10,1)
    big = vanishing_ideal(MLP((2, 1, 1), 11), 1, degree_count=False)
    text = ideal_script(big, "m2")
    assert "c_(0,11,0)" in text and "c_(0,10,1)" in text


def test_sage_script_is_python_after_the_preparser(ideals):
    # Sage itself is not a Debian package we run in CI; its preparser turns ^ into **, after which the script
    # must at least be valid Python
    for arch, _, _ in CASES[:2]:
        r = ideals[repr(arch)]
        for text in (ideal_script(r, "sage"), parametrization_script(arch, "sage", r)):
            ast.parse(text.replace("^", "**"))


def test_parameter_names_follow_the_layers():
    assert parameter_names(MLP((2, 2, 1), 2, bias=True)) == [
        "W1[0,0]", "W1[0,1]", "W1[1,0]", "W1[1,1]", "b1[0]", "b1[1]", "W2[0,0]", "W2[0,1]", "b2[0]"]
    assert parameter_names(CNN(3, (2, 2), None, 2)) == ["filter1[0]", "filter1[1]", "filter2[0]", "filter2[1]"]


def test_bad_system_is_refused(ideals):
    with pytest.raises(ValueError, match="system"):
        ideal_script(ideals[repr(MLP((3, 2, 1), 2))], "maple")


# --- equations at a point ---------------------------------------------------------------------------------


def _sympy_coefficients(arch, params):
    outs, xs, _ = symbolic_outputs(arch, [Fraction(v) for v in params.flatten()])
    return [sympy.Poly(f, *xs).coeff_monomial(al) for k, al in coordinates(arch) for f in [outs[k]]]


@pytest.mark.parametrize("arch", [MLP((2, 2, 1), "z^3+z^2"), MLP((2, 2, 2), 2, bias=True), CNN(4, (2, 2), (2, 1), 3)])
def test_coefficients_match_a_sympy_expansion(arch):
    W = Parameters.random(arch, seed=3)
    got = coefficients(W)
    assert [sympy.Rational(v.numerator, v.denominator) for v in got] == _sympy_coefficients(arch, W)
    floats = coefficients(Parameters.unflatten(arch, [float(v) for v in W.flatten()]))
    assert max(abs(float(a) - float(b)) for a, b in zip(floats, got)) < 1e-6 * max(1, max(abs(float(b)) for b in got))


def test_coefficients_are_exact_where_int64_would_overflow():
    # (2,1,1), σ = z^16 at W1 = (1, 1), W2 = 1: f = (x0 + x1)^16; the collocation inputs reach 16^16 > 2^63
    arch = MLP((2, 1, 1), 16)
    got = coefficients(Parameters(arch, [[[1, 1]], [[1]]]))
    assert [int(v) for v in got] == [comb(16, a1) for _, (a0, a1) in coordinates(arch)]


def test_coefficients_refuse_a_collocation_system_beyond_the_limit():
    with pytest.raises(ValueError, match="params"):
        coefficients(Parameters.random(MLP((30, 2, 1), 8), seed=0))


def test_equations_vanish_at_rational_points_and_gradients_match_sympy():
    arch = MLP((2, 2, 1), "z^3+z^2")
    r = vanishing_ideal(arch, 3)
    W = Parameters(arch, [[[1, Fraction(1, 2)], [-2, 3]], [[Fraction(3, 4), 5]]])
    assert all(v == 0 for v in r.evaluate(W))
    syms = r.symbols
    q = [sympy.Rational(v.numerator, v.denominator) for v in coefficients(W)]
    want = [[sympy.diff(g, s).subs(dict(zip(syms, q))) for s in syms] for g in r.generators]
    assert [[sympy.Rational(v.numerator, v.denominator) for v in row] for row in r.gradient(W)] == want
    # off V (a perturbed coefficient vector is not of the form c(W)): the hypersurface equation does not vanish
    F = r.generators[0]
    q[0] += 1
    assert F.subs(dict(zip(syms, q))) != 0


def test_evaluate_refuses_another_architecture():
    r = vanishing_ideal(MLP((2, 1, 1), 2), 2)
    with pytest.raises(ValueError, match="params"):
        r.evaluate(Parameters.random(MLP((2, 2, 1), 2), seed=0))


# --- degree of V ------------------------------------------------------------------------------------------


def test_classical_degree_formulas_by_hand():
    assert determinantal_degree(2, 2, 1) == 2          # the determinant quadric
    assert determinantal_degree(2, 3, 1) == 3          # Segre P^1 x P^2
    assert determinantal_degree(3, 3, 1) == 6          # Segre P^2 x P^2
    assert determinantal_degree(4, 4, 2) == 20
    assert symmetric_determinantal_degree(3, 2) == 3   # the symmetric determinant cubic
    assert symmetric_determinantal_degree(3, 1) == 4   # Veronese surface
    assert symmetric_determinantal_degree(4, 2) == 10
    assert symmetric_determinantal_degree(5, 2) == 35
    assert symmetric_determinantal_degree(4, 4) == 1


@needs_singular
@pytest.mark.parametrize("arch,expected", [
    (MLP((3, 2, 1), 3), 15),            # σ₂(ν₃(ℙ²)), classical
    (MLP((2, 1, 1), 3), 3),             # twisted cubic
    (MLP((4, 2, 1), 2), 10),            # Harris–Tu
    (MLP((5, 2, 1), 2), 35),            # Harris–Tu
    (MLP((4, 2, 4), 1), 20),            # Giambelli–Thom–Porteous
    (CNN(5, (3, 2), (2, 1), 2), 12),    # the CNN degree formula, by hand: 3! * 2^2/2! * 1 = 12
])
def test_counted_degree_agrees_with_the_classical_value(arch, expected):
    r = variety_degree(arch, method="count")
    assert r.method == "count" and not r.certified
    assert r.degree == expected


def test_formula_route_is_certified_and_refuses_what_it_does_not_cover():
    r = variety_degree(MLP((4, 2, 4), 1), method="formula")
    assert (r.degree, r.certified) == (20, True)
    r = variety_degree(MLP((3, 2, 1), 3), method="formula")
    assert r.degree is None and r.method == "undetermined"
    with pytest.raises(ValueError, match="method"):
        variety_degree(MLP((3, 2, 1), 3), method="guess")


@needs_singular
def test_cli_reports_the_degree_where_the_hilbert_function_has_not_settled(tmp_path):
    out = subprocess.run(["neuromanifold", "equations", "3,2,1", "--degree", "3", "--max-degree", "3", "--json"],
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["degree"] == 15 and data["degree_method"] == "count" and data["degree_certified"] is False
    assert data["coordinates"][0] == {"name": "c_300", "output": 0, "exponents": [3, 0, 0]}


@needs_m2
def test_cli_script_runs_verbatim_in_macaulay2(tmp_path):
    path = tmp_path / "ideal.m2"
    out = subprocess.run(["neuromanifold", "equations", "2,2,1", "-a", "z^3+z^2", "--max-degree", "3", "--format", "m2",
                          "--output", str(path)], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    run = subprocess.run(["M2", "--script", str(path)], capture_output=True, text=True, timeout=300)
    assert "neuromanifold-check dim 6" in run.stdout and "neuromanifold-check degree 3" in run.stdout


def test_cli_refuses_parametrization_without_a_script_format():
    out = subprocess.run(["neuromanifold", "equations", "2,2,1", "-k", "2", "--parametrization"], capture_output=True,
                         text=True, timeout=120)
    assert out.returncode == 2 and out.stderr.count("\n") == 1
