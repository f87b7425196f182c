"""``python -m deploydl.cli``: the ``deploydl`` command (how ServiceProcess starts a server)."""

import sys

from deploydl.cli import main

if __name__ == "__main__":  # pragma: no cover - run in a child process
    sys.exit(main())
