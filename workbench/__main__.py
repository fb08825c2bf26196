"""``python -m workbench`` — the same as the ``workbench`` command."""

import sys

from workbench.cli import main

# Guarded: a process started with multiprocessing's "spawn" re-imports this module.
if __name__ == "__main__":
    sys.exit(main())
