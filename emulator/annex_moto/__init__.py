"""annex_moto: condor-annex's extension of moto 5.2.1 (see docs/emulator.md).

Import and call `install()` before moto serves its first request. It adds:
- CloudFormation types moto skips, and AWS::Lambda::Permission with an identity (cfn_types),
- ClientRequestToken idempotency on CreateStack (idempotency),
- simulated DELETE_FAILED for stacks a test names (delete_failures),
- bucket policies whose conditional statements are kept but not enforced (s3_policy),
- a CloudWatch metric-alarm evaluator that publishes to SNS, with history (alarms),
- a Node.js Lambda executor that needs no Docker (lambda_node) and real SNS events (sns_lambda),
- groups with a mixed-instances policy launching its first instance type (mixed_instances),
- control routes under /moto-api/ext/ (routes).
"""

import os

EXPECTED_MOTO = "5.2.1"

_installed = False
_evaluator = None


def install() -> None:
    """Patch moto in place. Idempotent. Refuses another moto version (the patches use internals)."""
    global _installed
    if _installed:
        return
    from importlib import metadata

    found = metadata.version("moto")
    if found != EXPECTED_MOTO:
        raise RuntimeError(f"annex_moto patches moto {EXPECTED_MOTO} internals; moto {found} is installed")
    from . import (
        alarms,
        cfn_types,
        delete_failures,
        idempotency,
        lambda_node,
        mixed_instances,
        routes,
        s3_policy,
        sns_lambda,
    )

    cfn_types.install()
    idempotency.install()
    delete_failures.install()
    s3_policy.install()
    alarms.install()
    lambda_node.install()
    sns_lambda.install()
    mixed_instances.install()
    routes.install()
    _installed = True


def set_server_port(port: int) -> None:
    """Record the port the server bound: Lambda handlers and callback URLs point back to it."""
    os.environ["MOTO_PORT"] = str(port)


def start_background_evaluator(interval_seconds: float) -> None:
    """Evaluate every alarm each `interval_seconds` against the real clock."""
    global _evaluator
    from .alarms import BackgroundEvaluator

    if _evaluator is None:
        _evaluator = BackgroundEvaluator(interval_seconds)
        _evaluator.start()


def stop_background_evaluator() -> None:
    """Stop the background evaluator if it runs, and remove unpacked Lambda code."""
    global _evaluator
    from . import lambda_node

    if _evaluator is not None:
        _evaluator.stop()
        _evaluator = None
    lambda_node.cleanup()
