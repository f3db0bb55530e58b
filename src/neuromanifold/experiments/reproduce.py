"""The ``reproduce`` runner: check every registered claim and write a report.

Claims are registered with :func:`~neuromanifold.experiments.registry.claim` in the modules of
:mod:`neuromanifold.experiments.claims` (discovered automatically), so a new capability adds rows
without touching this runner.  The runner never crashes on a claim: one that raises is a ``fail``
whose evidence is the exception.  Ctrl-C stops between (or inside) claims and keeps the finished
ones, so the report of what ran is still written.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from pathlib import Path

from .registry import Claim, Context, Verdict, all_claims

__all__ = ["ClaimResult", "ReproduceRun", "run_claims", "select_claims", "write_report", "DEFAULT_OUTPUT"]

#: Default report folder (relative to the working directory).
DEFAULT_OUTPUT = "reproduce-report"


@dataclass(frozen=True)
class ClaimResult:
    """One checked claim: ``verdict`` is ``"pass"`` or ``"fail"``."""

    claim: str
    topic: str
    verdict: str
    evidence: str
    seconds: float
    source: str = ""
    figures: tuple[str, ...] = field(default=())

    @property
    def passed(self) -> bool:
        return self.verdict == "pass"

    def to_dict(self) -> dict:
        """The JSON record: exactly ``claim``, ``topic``, ``verdict``, ``evidence``, ``seconds``."""
        return {
            "claim": self.claim,
            "topic": self.topic,
            "verdict": self.verdict,
            "evidence": self.evidence,
            "seconds": round(self.seconds, 3),
        }


@dataclass(frozen=True)
class ReproduceRun:
    """The results of a run, and whether Ctrl-C cut it short (``skipped`` claims did not run)."""

    results: tuple[ClaimResult, ...]
    interrupted: bool = False
    skipped: tuple[str, ...] = ()
    quick: bool = False
    partial: bool = False  # a selection of the registered claims (quick, --only) or interrupted

    @property
    def passed(self) -> bool:
        """All claims that ran passed, and none was skipped."""
        return not self.interrupted and all(r.passed for r in self.results)


def select_claims(quick: bool = False, topics=None, claims=None) -> list:
    """The registered claims to run: only ``quick`` ones if asked, only the given ``topics`` — each a topic name or
    a claim id (:attr:`~neuromanifold.experiments.registry.Claim.id`).

    Raises ValueError naming ``topics`` if one is neither.
    """
    if claims is None:
        broken: list[Claim] = []
        claims = all_claims(on_error=lambda module, exc: broken.append(_broken_module(module, exc)))
        claims = list(claims) + broken
    claims = list(claims)
    if topics:
        topics = [topics] if isinstance(topics, str) else list(topics)
        known = sorted({c.topic for c in claims})
        ids = {c.id for c in claims}
        unknown = [t for t in topics if t not in known and t not in ids]
        if unknown:
            raise ValueError(f"Argument 'topics' holds unknown topic(s) {', '.join(unknown)}; topics: {', '.join(known)} "
                             "(or a claim id from reproduce --list).")
        claims = [c for c in claims if c.topic in topics or c.id in topics]
    if quick:
        claims = [c for c in claims if c.quick]
    return claims


def _broken_module(module: str, exc: BaseException) -> Claim:
    """A claim standing for a claims module that failed to import: it always fails with the error."""

    def check(ctx):
        raise exc

    return Claim(f"claims module '{module}' imports", module, f"experiments/claims/{module}.py", check, True)


def _check_one(c, ctx: Context) -> ClaimResult:
    start = time.perf_counter()
    try:
        verdict = c.check(ctx)
        if not isinstance(verdict, Verdict):
            raise TypeError(f"claim returned {type(verdict).__name__}, not Verdict")
        result = ("pass" if verdict.passed else "fail", str(verdict.evidence), tuple(map(str, verdict.figures)))
    except KeyboardInterrupt:
        raise
    except Exception as exc:  # a broken claim is a failed claim, never a crashed runner
        result = ("fail", f"raised {type(exc).__name__}: {exc}", ())
    return ClaimResult(c.name, c.topic, result[0], result[1], time.perf_counter() - start, c.source, result[2])


def run_claims(claims, output=None, quick: bool = False, seed: int = 0, on_result=None,
               partial: bool = False, on_start=None) -> ReproduceRun:
    """Check ``claims`` in order; ``on_start(index, claim)`` is called before each (e.g. to show which one runs)
    and ``on_result(ClaimResult)`` after each (e.g. to print a row).

    ``output`` is the report folder; claims receive ``output/figures`` (created) as ``Context.output``
    for their figures.  KeyboardInterrupt ends the run early with ``interrupted=True``.
    """
    claims = list(claims)
    fig_dir = None
    if output is not None:
        fig_dir = Path(output) / "figures"
        try:
            fig_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ValueError(f"Argument 'output': cannot create the report folder {str(output)!r} "
                             f"({exc.strerror or exc}).") from None
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise ValueError(f"Argument 'seed' must be a non-negative int, got {seed!r}.")
    ctx = Context(output=fig_dir, quick=quick, seed=seed)
    results: list[ClaimResult] = []
    try:
        for k, c in enumerate(claims):
            if on_start is not None:
                on_start(k, c)
            res = _check_one(c, ctx)
            results.append(res)
            if on_result is not None:
                on_result(res)
    except KeyboardInterrupt:
        done = {r.claim for r in results}
        return ReproduceRun(tuple(results), True, tuple(c.name for c in claims if c.name not in done), quick, True)
    return ReproduceRun(tuple(results), False, (), quick, partial or quick)


def write_report(run: ReproduceRun, output) -> Path:
    """Write ``output/report.md`` (table, per-topic sections with figures) and ``output/results.json`` — or, for a
    partial run (a selection of the claims, or interrupted), ``report-partial.md`` and ``results-partial.json``, so
    that a partial run never overwrites the report of a full one."""
    from .. import __version__

    out = Path(output)
    out.mkdir(parents=True, exist_ok=True)
    passed = sum(r.passed for r in run.results)
    lines = [
        "# neuromanifold reproduce",
        "",
        f"neuromanifold {__version__} · {'partial' if run.partial else 'full'}{' (quick)' if run.quick else ''} run · "
        f"{passed}/{len(run.results)} claims pass · {sum(r.seconds for r in run.results):.1f} s",
        "",
    ]
    if run.interrupted:
        lines += [f"**Interrupted** (Ctrl-C): {len(run.skipped)} claim(s) did not run: "
                  + ", ".join(run.skipped), ""]
    lines += ["| claim | topic | verdict | evidence | seconds |", "|---|---|---|---|---|"]
    for r in run.results:
        verdict = "pass" if r.passed else "**FAIL**"
        lines.append(f"| {_md(r.claim)} | {r.topic} | {verdict} | {_md(r.evidence)} | {r.seconds:.2f} |")
    for topic in dict.fromkeys(r.topic for r in run.results):
        lines += ["", f"## {topic}", ""]
        for r in (r for r in run.results if r.topic == topic):
            lines.append(f"- **{_md(r.claim)}** — {r.verdict}. {_md(r.evidence)}"
                         + (f" *Source: {_md(r.source)}*" if r.source else ""))
            shown: set[str] = set()  # embed one image per figure (PNG before SVG), link the other formats
            for fig in sorted(r.figures, key=lambda f: Path(f).suffix.lower() != ".png"):
                p = Path(fig)
                try:
                    rel = p.resolve().relative_to(out.resolve()).as_posix()
                except ValueError:
                    rel = p.as_posix()
                stem = str(p.with_suffix(""))
                if p.suffix.lower() in (".png", ".svg", ".jpg", ".jpeg", ".gif") and stem not in shown:
                    shown.add(stem)
                    lines.append(f"\n  ![{_md(r.claim)}]({rel})\n")
                else:
                    lines.append(f"  - [{rel}]({rel})")
    suffix = "-partial" if run.partial else ""
    report = out / f"report{suffix}.md"
    report.write_text("\n".join(lines) + "\n", encoding="utf-8")
    (out / f"results{suffix}.json").write_text(json.dumps([r.to_dict() for r in run.results], indent=1) + "\n", encoding="utf-8")
    return report


def _md(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")
