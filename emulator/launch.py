"""Start moto 5.2.1 in server mode on 127.0.0.1 with the annex_moto extension loaded.

Usage: python emulator/launch.py [--port N] [--real-time-evaluation SECONDS]

Prints `READY <port>` on stdout once the server answers, then serves until SIGTERM/SIGINT or
until its stdin reaches end of file (so the server dies with the Node process that spawned it,
even when that process is killed). Port 0 (the default) binds a free port.
"""

import argparse
import os
import signal
import sys
import threading

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument(
        "--real-time-evaluation",
        type=float,
        default=10.0,
        help="seconds between background alarm evaluations (0 disables them)",
    )
    parser.add_argument(
        "--watch-stdin",
        action="store_true",
        help="exit when stdin reaches end of file (set by the Node launcher)",
    )
    args = parser.parse_args()

    import annex_moto  # noqa: E402  (must be imported before the first request)

    annex_moto.install()

    from moto.moto_server.threaded_moto_server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=args.port, verbose=False)
    server.start()
    _host, port = server.get_host_and_port()
    annex_moto.set_server_port(port)
    if args.real_time_evaluation > 0:
        annex_moto.start_background_evaluator(args.real_time_evaluation)

    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    if args.watch_stdin:

        def watch_stdin() -> None:
            while sys.stdin.buffer.read(4096):
                pass
            stop.set()

        threading.Thread(target=watch_stdin, daemon=True).start()

    print(f"READY {port}", flush=True)
    stop.wait()
    annex_moto.stop_background_evaluator()
    server.stop()
    sys.stdout.flush()
    sys.stderr.flush()
    # Skip interpreter finalisation: the stdin watcher thread is blocked in a read, which
    # makes a normal shutdown abort with "could not acquire lock for <stdin>".
    os._exit(0)


if __name__ == "__main__":
    main()
