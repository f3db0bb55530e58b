"""neuromanifold reproduce [--quick] [--only TOPIC] [--output DIR] [--json]: check every registered claim."""

from __future__ import annotations

import shutil
import sys

from .common import StatusLine, UsageError, add_out_option, add_progress_option, print_json, progress_enabled, seed_type


def register(sub) -> None:
    p = sub.add_parser(
        "reproduce",
        help="re-check the papers' claims; table + Markdown report",
        description="Run every registered claim (dimension theorems, subnetworks, criticality, singularities, "
                    "CNNs, landscape, …), print claim → verdict → evidence → seconds and write a Markdown report "
                    "with figures.  Exit code 0 if all pass, 1 if any fails, 130 on Ctrl-C (the report of the "
                    "finished claims is still written).",
    )
    p.add_argument("--quick", action="store_true", help="only the quick claims (under a minute)")
    p.add_argument("--only", action="append", metavar="TOPIC|ID",
                   help="only claims of this topic or with this id (see --list; repeat or comma-separate for several); "
                        "a selection writes report-partial.md, never over a full report.md")
    add_out_option(p, None, "report folder (default reproduce-report/)", metavar="DIR", old="--output")
    p.add_argument("--json", action="store_true",
                   help="print a JSON list of {claim, topic, verdict, evidence, seconds} instead of the table")
    p.add_argument("--list", action="store_true", help="list the selected claims without running them")
    p.add_argument("--seed", type=seed_type, default=0, help="seed handed to the claims (default 0)")
    add_progress_option(p)
    p.set_defaults(func=run)


def run(args) -> int:
    from ..experiments.reproduce import (
        DEFAULT_OUTPUT,
        run_claims,
        select_claims,
        write_report,
    )

    topics = [t.strip() for part in (args.only or []) for t in part.split(",") if t.strip()]
    if args.only is not None and not topics:
        raise UsageError(f"--only needs a topic name, got {args.only[-1]!r}")
    try:
        claims = select_claims(quick=args.quick, topics=topics or None)
    except ValueError as exc:  # name the flag, not the API argument
        raise UsageError(str(exc).replace("Argument 'topics'", "--only")) from None
    if args.list:
        if args.json:
            print_json([{"id": c.id, "claim": c.name, "topic": c.topic, "quick": c.quick, "source": c.source}
                        for c in claims])
        else:
            width = max((len(c.id) for c in claims), default=10)
            for c in claims:
                print(f"{c.id:{width}}  {'quick' if c.quick else 'full ':5}  {c.name}")
        return 0
    output = args.out or DEFAULT_OUTPUT
    width = min(max((len(c.name) for c in claims), default=10), 60)
    term = shutil.get_terminal_size((120, 20)).columns
    stream = sys.stderr if args.json else sys.stdout

    status = StatusLine(progress_enabled(args))

    def start(k, claim) -> None:
        status.show(f"[{k + 1}/{len(claims)}] {claim.id}")

    def show(res) -> None:
        status.clear()
        if args.json:  # keep stdout pure JSON; one progress line per claim on stderr
            print(f"{res.verdict:4}  {res.claim}", file=sys.stderr, flush=True)
            return
        verdict = res.verdict if res.passed else res.verdict.upper()
        if not tty:  # a log or a pipe: whole lines, nothing cut
            print(f"{res.claim}  |  {verdict}  |  {res.evidence}  |  {res.seconds:.2f}s", file=stream, flush=True)
            return
        name = res.claim if len(res.claim) <= width else res.claim[: width - 1] + "…"
        room = max(20, term - width - 20)
        ev = res.evidence if len(res.evidence) <= room else res.evidence[: room - 1] + "…"
        print(f"{name:{width}}  {verdict:4}  {ev:{room}} {res.seconds:6.2f}s", file=stream, flush=True)

    tty = stream.isatty()
    if not args.json:
        print(f"{'claim':{width}}  {'verdict':4}  evidence" if tty else "claim  |  verdict  |  evidence  |  seconds",
              file=stream)
        print("-" * min(term, width + 60), file=stream)
    result = run_claims(claims, output=output, quick=args.quick, seed=args.seed, on_result=show,
                        partial=bool(topics) or args.quick, on_start=start)
    status.clear()
    report = write_report(result, output)
    if args.json:
        print_json([r.to_dict() for r in result.results])
    passed = sum(r.passed for r in result.results)
    tail = f"{passed}/{len(result.results)} claims pass; report: {report}"
    if result.interrupted:
        tail += f" (interrupted: {len(result.skipped)} claim(s) not run)"
    print(tail, file=sys.stderr if args.json else sys.stdout)
    if result.interrupted:
        return 130
    return 0 if result.passed else 1
