"""Parsers for user text: rational numbers and polynomials in ``z``.

User text is *parsed* against a fixed grammar, never evaluated (no ``eval``, ``sympify`` or
``parse_expr``), and every size is checked before the arithmetic that it would cost:

* a **rational** is ``[+-]digits``, ``[+-]digits/digits`` or a decimal ``[+-]d.ddd[e[+-]k]``
  with at most :data:`MAX_NUMBER_DIGITS` digits and an exponent ``|k| ≤`` :data:`MAX_NUMBER_DIGITS`;
* a **polynomial in z** follows ::

      expr   := term (("+" | "-") term)*
      term   := factor (("*" | "/" | implicit) factor)*      # "/" only by a non-zero constant
      factor := ("+" | "-") factor | atom (("^" | "**") exponent)?
      atom   := number | "z" | "(" expr ")"
      exponent := digits | "(" digits ")"                     # a literal non-negative integer

  with the degree of every intermediate result ≤ :data:`~neuromanifold.architectures.activations.MAX_DEGREE`
  and its coefficients below :data:`MAX_COEFFICIENT_BITS` bits, both checked *before* a product or
  power is formed.  Arithmetic is FLINT's exact ``fmpq_poly``.
"""

from __future__ import annotations

import re
from fractions import Fraction

__all__ = ["parse_rational", "parse_polynomial", "MAX_NUMBER_DIGITS", "MAX_COEFFICIENT_BITS", "MAX_TEXT_LENGTH"]

#: Longest number literal (digits) and largest decimal exponent accepted in user text.
MAX_NUMBER_DIGITS = 1000
#: Largest coefficient size (bits of numerator plus denominator) an activation may reach.
MAX_COEFFICIENT_BITS = 100_000
#: Longest activation text accepted.
MAX_TEXT_LENGTH = 10_000

_RATIONAL = re.compile(r"\s*([+-]?)(\d+)(?:/(\d+)|(?:\.(\d*))?(?:[eE]([+-]?\d+))?)\s*\Z")


def parse_rational(text: str, name: str) -> Fraction:
    """The rational number written in ``text`` (``"3"``, ``"-2/7"``, ``"0.125"``, ``"1e-3"``).

    Raises ValueError naming ``name`` for anything else, for a zero denominator, and for literals
    longer than :data:`MAX_NUMBER_DIGITS` digits or with a larger exponent (``"1e100000000"`` would
    otherwise be a 100-million-digit integer).
    """
    if not isinstance(text, str):
        raise TypeError(f"Argument '{name}' must be a string, not {type(text).__name__}.")
    if len(text) > 3 * MAX_NUMBER_DIGITS:
        raise ValueError(f"Argument '{name}' holds a number literal of {len(text)} characters; "
                         f"at most {MAX_NUMBER_DIGITS} digits are accepted.")
    m = _RATIONAL.match(text)
    if m is None:
        raise ValueError(f"Argument '{name}' holds {text[:60]!r}, which is not a rational number (like 3, -2/7, 0.5).")
    sign, whole, denom, frac, exp = m.groups()
    digits = len(whole) + len(denom or "") + len(frac or "")
    if digits > MAX_NUMBER_DIGITS:
        raise ValueError(f"Argument '{name}' holds a number with {digits} digits; at most {MAX_NUMBER_DIGITS} are accepted.")
    if denom is not None:
        if int(denom) == 0:
            raise ValueError(f"Argument '{name}' holds {text.strip()!r}, which has a zero denominator.")
        value = Fraction(int(whole), int(denom))
    else:
        value = Fraction(int(whole + (frac or "")), 10 ** len(frac or ""))
        if exp is not None:
            e = int(exp)
            if abs(e) > MAX_NUMBER_DIGITS:
                raise ValueError(f"Argument '{name}' holds {text.strip()!r}: exponents beyond ±{MAX_NUMBER_DIGITS} "
                                 "are refused.")
            value *= Fraction(10) ** e
    return -value if sign == "-" else value


# --- polynomials in z ---------------------------------------------------------------------------

_TOKEN = re.compile(r"\s*(?:(\d+(?:\.\d*)?|\.\d+)|(\*\*|[-+*/^()])|([A-Za-z_][A-Za-z_0-9]*))")


def _tokens(text: str, name: str, variable: str) -> list[tuple[str, str]]:
    out, pos = [], 0
    while pos < len(text):
        if text[pos:].strip() == "":
            break
        m = _TOKEN.match(text, pos)
        if m is None:
            raise ValueError(f"Argument '{name}' is not a polynomial in {variable}: unexpected "
                             f"{text[pos:pos + 10].strip()!r} "
                             f"in {text[:80]!r}.")
        number, op, ident = m.groups()
        if number is not None:
            out.append(("num", number))
        elif op is not None:
            out.append(("op", op))
        else:
            if ident != variable:
                raise ValueError(f"Argument '{name}' is not a polynomial in {variable}: {ident!r} is neither "
                                 f"{variable} nor a number "
                                 f"(in {text[:80]!r}).")
            out.append(("z", ident))
        pos = m.end()
    return out


class _PolynomialParser:
    """Recursive descent over the token list; each node is an exact ``flint.fmpq_poly``."""

    def __init__(self, text: str, name: str, max_degree: int, variable: str):
        self.text, self.name, self.max_degree, self.variable = text, name, max_degree, variable
        self.tokens = _tokens(text, name, variable)
        self.pos = 0
        self.depth = 0

    # -- helpers --
    def error(self, what: str) -> ValueError:
        return ValueError(f"Argument '{self.name}' is not a polynomial in {self.variable}: {what} "
                          f"(in {self.text[:80]!r}).")

    def peek(self):
        return self.tokens[self.pos] if self.pos < len(self.tokens) else (None, None)

    def take(self):
        tok = self.peek()
        self.pos += 1
        return tok

    def expect(self, value: str):
        kind, text = self.take()
        if text != value:
            raise self.error(f"expected {value!r}" + (f", found {text!r}" if text is not None else " at the end"))

    def check(self, degree: int, bits: int) -> None:
        if degree > self.max_degree:
            raise ValueError(f"Argument '{self.name}' has degree {degree}; activation degrees above "
                             f"{self.max_degree} are refused.")
        if bits > MAX_COEFFICIENT_BITS:
            raise ValueError(f"Argument '{self.name}' would have coefficients of about {bits} bits; "
                             f"more than {MAX_COEFFICIENT_BITS} are refused.")

    @staticmethod
    def bits(p) -> int:
        return max((int(c.p).bit_length() + int(c.q).bit_length() for c in p.coeffs()), default=0)

    # -- grammar --
    def parse(self):
        if not self.tokens:
            raise self.error("the text is empty")
        result = self.expr()
        if self.pos != len(self.tokens):
            raise self.error(f"unexpected {self.peek()[1]!r}")
        return result

    def expr(self):
        acc = self.term()
        while self.peek()[1] in ("+", "-"):
            op = self.take()[1]
            rhs = self.term()
            acc = acc + rhs if op == "+" else acc - rhs
        return acc

    def term(self):
        acc = self.factor()
        while True:
            kind, text = self.peek()
            if text in ("*", "/"):
                self.take()
                rhs = self.factor()
            elif kind in ("num", "z") or text == "(":  # implicit multiplication: 2z, 3(z+1), z(z+1)
                rhs = self.factor()
                text = "*"
            else:
                return acc
            if text == "/":
                if rhs.degree() > 0:
                    raise self.error("division by a non-constant")
                if rhs == 0:
                    raise self.error("division by zero")
                self.check(acc.degree(), self.bits(acc) + self.bits(rhs))
                acc = acc / rhs[0]
            else:
                self.check(max(acc.degree(), 0) + max(rhs.degree(), 0),
                           self.bits(acc) + self.bits(rhs) + max(acc.degree(), rhs.degree(), 1).bit_length())
                acc = acc * rhs

    def factor(self):
        negative = False
        while self.peek()[1] in ("+", "-"):  # a loop, not recursion: "-----…z" must not exhaust the stack
            negative ^= self.take()[1] == "-"
        base = self.atom()
        if self.peek()[1] in ("^", "**"):
            self.take()
            e = self.exponent()
            self.check(max(base.degree(), 0) * e,
                       e * (self.bits(base) + max(base.degree(), 1).bit_length()))
            base = base ** e
            if self.peek()[1] in ("^", "**"):
                raise self.error("chained powers like z^2^3 are ambiguous; use parentheses")
        return -base if negative else base

    def exponent(self) -> int:
        kind, text = self.take()
        paren = text == "("
        if paren:
            kind, text = self.take()
        if kind != "num" or not text.isdigit():
            raise self.error("an exponent must be a literal non-negative integer")
        if len(text) > 6 or int(text) > self.max_degree:
            raise ValueError(f"Argument '{self.name}' has degree {text[:20]} (an exponent); activation degrees above "
                             f"{self.max_degree} are refused.")
        if paren:
            self.expect(")")
        return int(text)

    def atom(self):
        import flint

        kind, text = self.take()
        if kind == "num":
            value = parse_rational(text, self.name)
            return flint.fmpq_poly([flint.fmpq(value.numerator, value.denominator)])
        if kind == "z":
            return flint.fmpq_poly([0, 1])
        if text == "(":
            self.depth += 1
            if self.depth > 100:
                raise self.error("parentheses nested more than 100 deep")
            inner = self.expr()
            self.expect(")")
            self.depth -= 1
            return inner
        raise self.error("unexpected end" if text is None else f"unexpected {text!r}")


def parse_polynomial(text: str, name: str, max_degree: int, variable: str = "z") -> tuple[Fraction, ...]:
    """Coefficients ``(a_0, …, a_r)`` (ascending) of the polynomial in ``variable`` written in ``text``.

    The grammar is the module's; ``max_degree`` bounds every intermediate degree.  Raises
    ValueError naming ``name`` for anything outside the grammar or the size limits.
    """
    if not isinstance(text, str):
        raise TypeError(f"Argument '{name}' must be a string, not {type(text).__name__}.")
    if len(text) > MAX_TEXT_LENGTH:
        raise ValueError(f"Argument '{name}' is {len(text)} characters long; at most {MAX_TEXT_LENGTH} are accepted.")
    if not re.fullmatch(r"[A-Za-z]\w*", variable or ""):
        raise ValueError(f"Argument 'variable' must be an identifier, got {variable!r}.")
    poly = _PolynomialParser(text, name, max_degree, variable).parse()
    return tuple(Fraction(int(c.p), int(c.q)) for c in poly.coeffs())
