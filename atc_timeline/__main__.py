"""python -m atc_timeline."""

import sys

try:
    from atc_timeline.cli import main

    main()
except KeyboardInterrupt:  # Ctrl-C while the command line loads, before it handles Ctrl-C itself
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    print("interrupted", file=sys.stderr)
    try:  # exit 130, not death by SIGINT: see cli.app._forget_caught_ctrl_c
        import ctypes

        ctypes.pythonapi.PyRun_SimpleString(b"")
    except Exception:
        pass
    sys.exit(130)
