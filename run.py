#!/usr/bin/env python3
"""Entry point: `python run.py COMMAND ...`, the same CLI as `technopark-monitor`."""

from monitor.cli import main

if __name__ == "__main__":
    main()
