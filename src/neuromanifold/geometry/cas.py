"""Scripts for Macaulay2, Singular and Sage: the vanishing ideal and the parametrisation φ (docs/equations.md).

Each script is self-contained: it declares the polynomial ring of the ambient coordinates, maps every coordinate
to its output and monomial in a comment, states the ideal (or the map φ) and ends with the lines that compute
what the tool reports — dim R/I (the affine cone V, docs/math.md §1), the projective degree and the Hilbert
function — each printed on a line ``neuromanifold-check <what> <value>`` so that a test (or a user) can compare.

Coordinate names are valid and unambiguous in every system: ``c_(k,a_0,…,a_{d−1})`` (a Macaulay2 indexed
variable) and ``c_k_a0_…`` (Singular, Sage) for the coefficient of x_0^{a_0}⋯ in output k; parameters are
``t_(j)`` / ``t_j`` for θ_j, listed with their meaning (``W1[o,i]``, ``b1[o]``, ``filter1[j]``).  Powers are
written ``^`` (``**`` is a tensor power in Macaulay2) and coefficients as exact integers or fractions.
"""

from __future__ import annotations

from fractions import Fraction

__all__ = ["SYSTEMS", "ideal_script", "parametrization_script", "parameter_names", "polynomial_text", "singular_available",
           "run_singular", "SINGULAR_TIMEOUT"]

#: The systems a script can be written for.
SYSTEMS = ("m2", "singular", "sage")

#: Seconds a Singular computation may take before it is stopped (an error, never a silent answer).
SINGULAR_TIMEOUT = 600


def singular_available() -> bool:
    """Whether the ``Singular`` executable is on PATH (Debian: ``apt-get install singular``)."""
    import shutil

    return shutil.which("Singular") is not None


def run_singular(script: str, timeout: float = SINGULAR_TIMEOUT) -> str:
    """Run a Singular script (quiet, no init file) and return its standard output; a Singular error or a timeout
    raises RuntimeError with Singular's message (TimeoutError after ``timeout`` seconds)."""
    import subprocess

    if not singular_available():
        raise RuntimeError("Singular is not installed (Debian: apt-get install singular)")
    try:
        proc = subprocess.run(["Singular", "-q", "--no-rc", "--no-warn"], input=script, capture_output=True, text=True,
                              timeout=timeout)
    except subprocess.TimeoutExpired as exc:
        raise TimeoutError(f"Singular did not finish within {timeout} s") from exc
    if proc.returncode != 0 or "? " in proc.stdout or proc.stderr.strip():
        raise RuntimeError(f"Singular failed (exit {proc.returncode}): {(proc.stderr or proc.stdout).strip()[-400:]}")
    return proc.stdout


def _check_system(system: str) -> str:
    if system not in SYSTEMS:
        raise ValueError(f"Argument 'system' must be one of {', '.join(SYSTEMS)}, not {system!r}.")
    return system


def _ascii(text: str) -> str:
    return (text.replace("σ", "sigma").replace("·", "*").replace("≤", "<=").replace("θ", "theta")
            .replace("ℚ", "QQ").replace("−", "-").encode("ascii", "replace").decode())


def _comment(system: str) -> str:
    return {"m2": "--", "singular": "//", "sage": "#"}[system]


def _coordinate_name(system: str, k: int, alpha) -> str:
    if system == "m2":
        return "c_(" + ",".join(str(v) for v in (k, *alpha)) + ")"
    return "c_" + "_".join(str(v) for v in (k, *alpha))


def _parameter_name(system: str, j: int) -> str:
    return f"t_({j})" if system == "m2" else f"t_{j}"


def parameter_names(architecture) -> list[str]:
    """What θ_j is: ``W{ℓ}[o,i]`` (dense weight), ``b{ℓ}[o]`` (bias), ``filter{ℓ}[j]`` (shared CNN filter tap) —
    read off each layer's index map (the one description of a layer, ``architectures.layers``)."""
    names = []
    for ell, layer in enumerate(architecture.layers, start=1):
        first = {}
        for o in range(layer.index.shape[0]):
            for i in range(layer.index.shape[1]):
                j = int(layer.index[o, i])
                if j >= 0 and j not in first:
                    first[j] = (o, i)
        dense = len(layer.param_shape) == 2  # a matrix (MLP) or a shared filter (CNN)
        for j in range(layer.n_params):
            o, i = first[j]
            if layer.bias and i == layer.in_dim:
                names.append(f"b{ell}[{o}]" if dense else f"b{ell}")
            elif dense:
                names.append(f"W{ell}[{o},{i}]")
            else:
                names.append(f"filter{ell}[{j}]")
    return names


def _number(c: Fraction) -> str:
    return str(c.numerator) if c.denominator == 1 else f"{c.numerator}/{c.denominator}"


def polynomial_text(terms, names) -> str:
    """Σ c·Π v^e from ((c, exponents), …) with explicit ``*`` and ``^`` (read alike by Macaulay2, Singular and
    Sage); "0" for no terms."""
    out = []
    for c, exps in terms:
        factors = [n if e == 1 else f"{n}^{e}" for n, e in zip(names, exps) if e]
        mag = abs(c)
        if not factors:
            body = _number(mag)
        elif mag == 1:
            body = "*".join(factors)
        else:
            body = _number(mag) + "*" + "*".join(factors)
        out.append(("-" if c < 0 else "+") + " " + body)
    if not out:
        return "0"
    text = " ".join(out)
    return text[2:] if text.startswith("+ ") else "-" + text[2:]


def _coordinate_lines(architecture, system: str) -> list[str]:
    from .equations import coordinates

    cm = _comment(system)
    d = architecture.input_dim
    lines = [f"{cm} Coordinate {_coordinate_name(system, 'k', [f'a{i}' for i in range(d)])} is the coefficient of "
             + "*".join(f"x{i}^a{i}" for i in range(d)) + " in output k of f_W:"]
    for k, al in coordinates(architecture):
        mono = "*".join(f"x{i}^{a}" if a > 1 else f"x{i}" for i, a in enumerate(al) if a) or "1"
        lines.append(f"{cm}   {_coordinate_name(system, k, al)} = coefficient of {mono} in output {k}")
    return lines


def _ring(system: str, ring: str, names: list[str]) -> str:
    if system == "m2":
        return f"{ring} = QQ[" + ", ".join(names) + ", MonomialOrder => GRevLex];"
    if system == "singular":
        return f"ring {ring} = 0, (" + ", ".join(names) + "), dp;"
    quoted = ", ".join(f"'{n}'" for n in names)
    return f"{ring} = PolynomialRing(QQ, [{quoted}], order='degrevlex')\n{', '.join(names)}, = {ring}.gens()"


def _checks(system: str, ideal: str, ring: str, max_degree: int) -> list[str]:
    if system == "m2":
        return [f'print("neuromanifold-check dim " | toString dim {ideal});',
                f'print("neuromanifold-check degree " | toString degree {ideal});',
                f'print("neuromanifold-check hilbert " | toString apply(0..{max_degree}, k -> '
                f'hilbertFunction(k, {ring}/{ideal})));']
    if system == "singular":
        return [f"ideal G = std({ideal});",
                'print("neuromanifold-check dim " + string(dim(G)));',
                'print("neuromanifold-check degree " + string(mult(G)));',
                'string h = ""; int k;',
                f"for (k = 0; k <= {max_degree}; k++) {{ h = h + string(size(kbase(G, k))); "
                f'if (k < {max_degree}) {{ h = h + ","; }} }}',
                'print("neuromanifold-check hilbert " + h);']
    return [f'print("neuromanifold-check dim", {ideal}.dimension())',
            f"P = {ideal}.hilbertpolynomial_text()",
            'print("neuromanifold-check degree", P.leading_coefficient() * factorial(P.degree()))',
            f"S = PowerSeriesRing(QQ, 'T', default_prec={max_degree + 1})({ideal}.hilbert_series())",
            f'print("neuromanifold-check hilbert", ",".join(str(S[k]) for k in range({max_degree + 1})))']


def _header(system: str, what: str, result_lines: list[str]) -> list[str]:
    from .. import __version__

    cm = _comment(system)
    return [f"{cm} neuromanifold {__version__}: {_ascii(what)}"] + [f"{cm} {_ascii(t)}" for t in result_lines]


def ideal_script(result, system: str) -> str:
    """A script for ``system`` ("m2", "singular", "sage") holding the generators of an
    :class:`~neuromanifold.geometry.equations.IdealResult` and the lines computing dim, degree and the Hilbert
    function H(0..max_degree) there (module docstring)."""
    from .equations import coordinates, polynomial_terms

    system = _check_system(system)
    arch = result.architecture
    names = [_coordinate_name(system, k, al) for k, al in coordinates(arch)]
    syms = tuple(result.symbols)
    gens = [polynomial_text(polynomial_terms(g, syms), names) for g in result.generators]
    reported = [f"The tool reports: dim V = {result.dimension} (affine cone = Krull dimension of R/I), "
                f"ambient dimension {result.ambient_dimension}, degree of V "
                f"{result.degree if result.degree is not None else 'not determined'} ({result.degree_reason}), "
                f"H(0..{result.max_degree}) = {list(result.hilbert_function)}.",
                f"I below holds the {len(gens)} minimal generator(s) of I(V) of degree <= {result.max_degree}: "
                f"it agrees with I(V) in degrees <= {result.max_degree}; its dim and degree are those of V when "
                "I(V) is generated in these degrees."]
    lines = _header(system, f"vanishing ideal of {arch!r}, generators of degree <= {result.max_degree}", reported)
    lines += _coordinate_lines(arch, system)
    lines.append(_ring(system, "R", names))
    body = ", ".join(gens) if gens else "0"
    if system == "m2":
        lines.append(f"I = ideal({body});" if gens else "I = ideal(0_R);")
    elif system == "singular":
        lines.append(f"ideal I = {body};")
    else:
        lines.append(f"I = R.ideal([{body}])" if gens else "I = R.ideal([R(0)])")
    lines += _checks(system, "I", "R", result.max_degree)
    if system == "singular":
        lines.append("quit;")
    return "\n".join(lines) + "\n"


def parametrization_script(architecture, system: str, ideal=None) -> str:
    """A script for ``system`` defining φ: θ ↦ c(θ) (the coefficients of f_θ as polynomials in the parameters,
    docs/math.md §1) as a ring map from the coordinate ring R to the parameter ring S, and computing its kernel
    I(V) = ker φ^♯ by elimination, with dim/degree/Hilbert function.  With ``ideal`` (an ``IdealResult`` of
    this architecture) the script also prints whether the tool's generators lie in the kernel and whether the
    two ideals are equal."""
    from ..limits import check_architecture
    from ..parametrization.symbolic import coefficient_polynomials
    from .equations import coordinates, polynomial_terms

    check_architecture(architecture)
    system = _check_system(system)
    if ideal is not None and ideal.architecture != architecture:
        raise ValueError("Argument 'ideal' belongs to another architecture.")
    ts, polys = coefficient_polynomials(architecture)
    pnames = [_parameter_name(system, j) for j in range(len(ts))]
    cnames = [_coordinate_name(system, k, al) for k, al in coordinates(architecture)]
    images = [polynomial_text([(Fraction(int(c.p), int(c.q)), m) for m, c in p.terms()], pnames) for p in polys]
    max_degree = ideal.max_degree if ideal is not None else 3
    cm = _comment(system)
    lines = _header(system, f"parametrisation phi of {architecture!r}: theta -> coefficients of f_theta",
                    ["ker(phi) is the vanishing ideal I(V) of the neuromanifold V (the Zariski closure of the image)."])
    lines.append(f"{cm} Parameters:")
    lines += [f"{cm}   {n} = {meaning}" for n, meaning in zip(pnames, parameter_names(architecture))]
    lines += _coordinate_lines(architecture, system)
    lines.append(_ring(system, "S", pnames))
    lines.append(_ring(system, "R", cnames))
    if system == "m2":
        lines.append("phi = map(S, R, {" + ", ".join(images) + "});")
        lines.append("J = kernel phi;")
    elif system == "singular":
        lines += ["setring S;", "ideal zero = 0;", "map phi = R, " + ", ".join(images) + ";", "setring R;",
                  "ideal J = preimage(S, phi, zero);"]
    else:
        lines.append("phi = R.hom([" + ", ".join(images) + "], S)")
        lines.append("J = phi.kernel()")
    lines += [ln for ln in _checks(system, "J", "R", max_degree)]
    if ideal is not None:
        syms = tuple(ideal.symbols)
        gens = [polynomial_text(polynomial_terms(g, syms), cnames) for g in ideal.generators] or ["0"]
        if system == "m2":
            lines += ["I = ideal(" + ", ".join(gens) + ");",
                      'print("neuromanifold-check contains " | toString isSubset(I, J));',
                      'print("neuromanifold-check equal " | toString(I == J));']
        elif system == "singular":
            lines += ["ideal I = " + ", ".join(gens) + ";", "ideal GJ = std(J);",
                      'int inside = (size(reduce(I, GJ)) == 0); int back = (size(reduce(J, std(I))) == 0);',
                      'if (inside) { print("neuromanifold-check contains true"); } '
                      'else { print("neuromanifold-check contains false"); }',
                      'if (inside && back) { print("neuromanifold-check equal true"); } '
                      'else { print("neuromanifold-check equal false"); }']
        else:
            lines += ["I = R.ideal([" + ", ".join(gens) + "])",
                      'print("neuromanifold-check contains", str(all(g in J for g in I.gens())).lower())',
                      'print("neuromanifold-check equal", str(I == J).lower())']
    if system == "singular":
        lines.append("quit;")
    return "\n".join(lines) + "\n"
