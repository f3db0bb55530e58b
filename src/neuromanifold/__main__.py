import sys


def _forget_handled_interrupt() -> None:
    """Under ``python -m``, CPython (3.8–3.12 at least) kills the process with SIGINT at exit when a
    KeyboardInterrupt ended any *string* ``exec``/``eval`` — even one the caller caught.  Imports run such execs
    (every dataclass's ``__init__``), so a Ctrl-C that lands in one and is handled below still exited with −2
    instead of 130.  Every string eval resets that flag first, so one harmless eval here clears it; an interrupt
    that is really unhandled never reaches this line and still ends the process by SIGINT (bpo-1054041)."""
    exec("None", {})


try:
    import signal

    # SIGINT blocked while the command line loads: the threads its imports start (numpy's BLAS) inherit the block
    # and never take a Ctrl-C meant for the main thread — one that took it while the pool start-up ignores SIGINT
    # (experiments.executors) lost it for good.  A Ctrl-C of the imports stays pending and is raised on unblocking.
    mask = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        from .cli import main
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, mask)
    code = main()  # handles a Ctrl-C of the command itself (its own message, exit 130)
except KeyboardInterrupt:  # … and this one a Ctrl-C while the command line loads: no traceback
    print("neuromanifold: interrupted.", file=sys.stderr)
    code = 130
_forget_handled_interrupt()
sys.exit(code)
