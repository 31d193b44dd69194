#!/usr/bin/env python3
"""Entry point: `python run.py COMMAND ...`, the same CLI as `technopark-monitor`.

`make demo` installs the dependencies into `.venv`, not into the interpreter a user types
`python` for; rather than fail with ModuleNotFoundError, run.py hands itself over to
`.venv/bin/python` when the dependencies are missing here and that virtualenv exists.
"""

import os
import sys
from pathlib import Path

VENV_PYTHON = Path(__file__).resolve().parent / ".venv" / "bin" / "python"
_HANDED_OVER = "TECHNOPARK_MONITOR_VIA_RUN_PY"

try:
    from monitor.cli import main
except ModuleNotFoundError as exc:
    if VENV_PYTHON.exists() and not os.environ.get(_HANDED_OVER):
        os.environ[_HANDED_OVER] = "1"
        os.execv(VENV_PYTHON, [str(VENV_PYTHON), __file__, *sys.argv[1:]])
    sys.exit(f"technopark-monitor: {exc.name} is not installed for {sys.executable}. "
             "Run `make demo` once (it creates .venv with everything installed), then "
             "`python run.py ...` or `.venv/bin/technopark-monitor ...`.")

if __name__ == "__main__":
    main()
