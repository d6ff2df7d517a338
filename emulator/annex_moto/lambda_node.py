"""Run nodejs* Lambda functions in a local `node` process instead of Docker.

Replaces moto's LambdaFunction._invoke_lambda, the one point every invocation path reaches
(Invoke, InvokeAsync, SNS delivery, EventBridge, SQS mappings, custom resources). For a
nodejs* runtime it:

- unpacks the code zip once per code hash into a directory outside the repository (CloudFormation
  inline `Code.ZipFile` arrives as index.py whatever the runtime and is exposed as index.js);
- places a `node_modules` symlink to the repository's node_modules in the parent directory, so
  `@aws-sdk/*` resolves as in the real runtime while a bundle's own node_modules still wins;
- runs lambda_runner.mjs with the function's environment plus AWS_REGION, AWS_LAMBDA_*,
  test credentials and AWS_ENDPOINT_URL pointing back at this server;
- kills it after the function's Timeout and answers like Lambda does
  (payload, `errored` → X-Amz-Function-Error, logs to CloudWatch Logs).

Other runtimes get a clear error payload. Configuration (environment of the server):
ANNEX_LAMBDA_NODE (node binary, default `node`), ANNEX_LAMBDA_NODE_MODULES (default: the
repository's node_modules), ANNEX_LAMBDA_WORKDIR (default: a temporary directory).
"""

import io
import json
import logging
import os
import shutil
import subprocess
import tempfile
import threading
import time
import uuid
import zipfile
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from moto.awslambda.models import LambdaFunction

logger = logging.getLogger("annex_moto.lambda_node")

RUNNER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "lambda_runner.mjs")
REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

_unpack_lock = threading.Lock()
_workdir: str | None = None


def server_endpoint() -> str:
    return f"http://127.0.0.1:{os.environ.get('MOTO_PORT', '5000')}"


def workdir() -> str:
    """Directory that holds unpacked code, with the node_modules symlink; created once."""
    global _workdir
    if _workdir is None:
        base = os.environ.get("ANNEX_LAMBDA_WORKDIR") or tempfile.mkdtemp(prefix="annex-lambda-")
        os.makedirs(base, exist_ok=True)
        modules = os.environ.get("ANNEX_LAMBDA_NODE_MODULES") or os.path.join(REPO_ROOT, "node_modules")
        link = os.path.join(base, "node_modules")
        if os.path.isdir(modules) and not os.path.lexists(link):
            os.symlink(modules, link)
        _workdir = base
    return _workdir


def cleanup() -> None:
    """Remove the unpacked code (called at server shutdown)."""
    if _workdir is not None and not os.environ.get("ANNEX_LAMBDA_WORKDIR"):
        shutil.rmtree(_workdir, ignore_errors=True)


def unpack(code: bytes, sha: str) -> str:
    """Extract the zip once per code hash; returns the task root."""
    target = os.path.join(workdir(), (sha or uuid.uuid4().hex).replace("/", "_").replace("+", "-"))
    with _unpack_lock:
        if os.path.isdir(target):
            return target
        staging = target + ".partial"
        shutil.rmtree(staging, ignore_errors=True)
        os.makedirs(staging)
        with zipfile.ZipFile(io.BytesIO(code)) as archive:
            archive.extractall(staging)
        inline = os.path.join(staging, "index.py")
        if os.path.exists(inline) and not any(
            os.path.exists(os.path.join(staging, f"index{ext}")) for ext in (".js", ".mjs", ".cjs")
        ):
            # CloudFormation's inline ZipFile is stored as index.py whatever the runtime.
            shutil.copyfile(inline, os.path.join(staging, "index.js"))
        os.rename(staging, target)
    return target


def rewrite_response_url(event: Any) -> Any:
    """Custom-resource events carry moto's ResponseURL (host.docker.internal); point it here."""
    if isinstance(event, dict) and isinstance(event.get("ResponseURL"), str) and "RequestType" in event:
        parts = urlsplit(event["ResponseURL"])
        local = urlsplit(server_endpoint())
        event = {**event, "ResponseURL": urlunsplit((local.scheme, local.netloc, parts.path, parts.query, ""))}
    return event


def child_environment(fn: LambdaFunction, request_id: str, timeout: float) -> dict[str, str]:
    env = {
        "PATH": os.environ.get("PATH", "/usr/local/bin:/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", "/tmp"),
        "TMPDIR": tempfile.gettempdir(),
        "LANG": "en_US.UTF-8",
        "TZ": ":UTC",
    }
    env.update({str(k): str(v) for k, v in (fn.environment_vars or {}).items()})
    env.update(
        {
            "AWS_REGION": fn.region,
            "AWS_DEFAULT_REGION": fn.region,
            "AWS_LAMBDA_FUNCTION_NAME": fn.function_name,
            "AWS_LAMBDA_FUNCTION_VERSION": str(getattr(fn, "version", "$LATEST")),
            "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(fn.memory_size),
            "AWS_LAMBDA_LOG_GROUP_NAME": fn.logs_group_name,
            "AWS_LAMBDA_LOG_STREAM_NAME": f"annex/{request_id}",
            "AWS_EXECUTION_ENV": f"AWS_Lambda_{fn.run_time}",
            "AWS_ACCESS_KEY_ID": "test",
            "AWS_SECRET_ACCESS_KEY": "test",
            "AWS_ENDPOINT_URL": server_endpoint(),
            "_HANDLER": fn.handler or "",
            "ANNEX_LAMBDA_FUNCTION_ARN": fn.function_arn,
            "ANNEX_LAMBDA_REQUEST_ID": request_id,
            "ANNEX_LAMBDA_TIMEOUT_MS": str(int(timeout * 1000)),
        }
    )
    return env


def run_node_handler(fn: LambdaFunction, event: Any) -> tuple[str, bool, str]:
    """Invoke `fn` with `event`; returns (payload, errored, logs) as _invoke_lambda must."""
    request_id = str(uuid.uuid4())
    timeout = float(fn.timeout or 3)
    task_root = unpack(fn.code_bytes, fn.code_sha_256)
    if event is None or event == "{}":
        event = {}
    event = rewrite_response_url(event)
    env = child_environment(fn, request_id, timeout)
    env["LAMBDA_TASK_ROOT"] = task_root
    with tempfile.TemporaryDirectory(prefix="annex-invoke-") as scratch:
        event_file = os.path.join(scratch, "event.json")
        result_file = os.path.join(scratch, "result.json")
        with open(event_file, "w", encoding="utf-8") as handle:
            json.dump(event, handle)
        node = os.environ.get("ANNEX_LAMBDA_NODE") or "node"
        started = time.monotonic()
        try:
            completed = subprocess.run(
                [node, RUNNER, task_root, fn.handler or "index.handler", event_file, result_file],
                cwd=task_root,
                env=env,
                capture_output=True,
                timeout=timeout,
                check=False,
            )
            output = (completed.stdout + completed.stderr).decode("utf-8", "replace")
            timed_out = False
        except subprocess.TimeoutExpired as expired:
            output = ((expired.stdout or b"") + (expired.stderr or b"")).decode("utf-8", "replace")
            timed_out = True
        elapsed_ms = (time.monotonic() - started) * 1000
        logs = (
            f"START RequestId: {request_id} Version: $LATEST\n{output}"
            f"END RequestId: {request_id}\n"
            f"REPORT RequestId: {request_id}\tDuration: {elapsed_ms:.2f} ms\t"
            f"Memory Size: {fn.memory_size} MB\n"
        )
        if timed_out:
            payload = json.dumps(
                {
                    "errorType": "Sandbox.Timedout",
                    "errorMessage": f"RequestId: {request_id} Error: Task timed out after {timeout:.2f} seconds",
                }
            )
            return payload, True, logs
        try:
            with open(result_file, encoding="utf-8") as handle:
                outcome = json.load(handle)
        except (OSError, ValueError):
            payload = json.dumps(
                {
                    "errorType": "Runtime.ExitError",
                    "errorMessage": f"RequestId: {request_id} Error: Runtime exited with status {completed.returncode}",
                }
            )
            return payload, True, logs
    if outcome.get("ok"):
        return json.dumps(outcome.get("result")), False, logs
    error = outcome.get("error") or {}
    logger.warning("Lambda %s failed: %s", fn.function_name, error.get("errorMessage"))
    return json.dumps(error), True, logs


def install() -> None:
    def _invoke_lambda(self: LambdaFunction, event: Any = None) -> tuple[str, bool, str]:
        self.logs_backend.ensure_log_group(self.logs_group_name)
        runtime = str(self.run_time or "")
        if not runtime.startswith("nodejs"):
            message = (
                f"annex_moto runs only nodejs* functions without Docker; {self.function_name} uses {runtime!r}"
            )
            self.save_logs(message)
            return json.dumps({"errorType": "Runtime.Unsupported", "errorMessage": message}), True, message
        try:
            payload, errored, logs = run_node_handler(self, event)
        except Exception as error:  # a broken zip or a missing node binary
            logger.exception("running %s failed", self.function_name)
            message = f"annex_moto could not run {self.function_name}: {error}"
            return json.dumps({"errorType": "Runtime.AnnexError", "errorMessage": message}), True, message
        self.save_logs(logs)
        return payload, errored, logs

    LambdaFunction._invoke_lambda = _invoke_lambda  # type: ignore[method-assign]
