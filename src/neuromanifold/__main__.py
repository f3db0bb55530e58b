import sys

try:
    from .cli import main
except KeyboardInterrupt:  # Ctrl-C while the interpreter loads the command line: no traceback
    print("neuromanifold: interrupted.", file=sys.stderr)
    sys.exit(130)

sys.exit(main())
