"""Control routes served under /moto-api/ext/ (registered before the server starts).

GET  /moto-api/ext/health            → {"extension": "annex_moto", "moto": "5.2.1"}
POST /moto-api/ext/reset             → clears extension-side state (moto's own state is cleared
                                        by POST /moto-api/reset)
POST /moto-api/ext/alarms/evaluate   body {"advanceSeconds": N} (optional, default 0): moves the
                                        clock N seconds forward by ageing every stored datapoint,
                                        then evaluates every alarm once; transitions publish to SNS
                                        and run Lambda subscribers before the response. Returns
                                        {"advancedSeconds": N, "alarms": [{alarmName, previousState,
                                        state, changed, values}]}.
POST /moto-api/ext/cloudformation/fail-next-delete
                                     body {"stackName": "...", "reason": "..." (optional),
                                        "region": "us-east-1", "accountId": "123456789012"}: the
                                        next DeleteStack of that stack ends in DELETE_FAILED with
                                        every resource kept (see delete_failures.py).
"""

import json
import math
from typing import Any, Callable

Handler = Callable[[Any, str, Any], tuple[int, dict[str, str], str]]


def _json(status: int, body: Any) -> tuple[int, dict[str, str], str]:
    return status, {"Content-Type": "application/json"}, json.dumps(body, default=str)


def _body(request: Any, headers: Any) -> Any:
    environ = getattr(request, "environ", None)
    if environ is not None:  # a Werkzeug request (server mode)
        length = int(headers.get("Content-Length") or 0)
        raw = environ["wsgi.input"].read(length) if length > 0 else b""
    else:  # an AWSPreparedRequest (decorator mode)
        raw = getattr(request, "body", b"") or b""
    if isinstance(raw, bytes):
        raw = raw.decode("utf-8")
    return json.loads(raw) if raw and raw.strip() else {}


def health(request: Any, full_url: str, headers: Any) -> tuple[int, dict[str, str], str]:
    from importlib import metadata

    return _json(200, {"extension": "annex_moto", "moto": metadata.version("moto")})


def reset(request: Any, full_url: str, headers: Any) -> tuple[int, dict[str, str], str]:
    if request.method != "POST":
        return _json(405, {"error": "use POST"})
    # All extension state lives on moto's backend objects, which /moto-api/reset clears.
    return _json(200, {"reset": True})


def evaluate(request: Any, full_url: str, headers: Any) -> tuple[int, dict[str, str], str]:
    from . import alarms

    if request.method != "POST":
        return _json(405, {"error": "use POST"})
    try:
        body = _body(request, headers)
    except ValueError:
        return _json(400, {"error": "body must be JSON like {\"advanceSeconds\": 30}"})
    advance = body.get("advanceSeconds", 0) if isinstance(body, dict) else None
    if not isinstance(advance, (int, float)) or isinstance(advance, bool) or not math.isfinite(advance) or advance < 0:
        return _json(400, {"error": f"advanceSeconds must be a number >= 0, got {advance!r}"})
    alarms.age_metric_data(float(advance))
    return _json(200, {"advancedSeconds": advance, "alarms": alarms.evaluate_all()})


def fail_next_delete(request: Any, full_url: str, headers: Any) -> tuple[int, dict[str, str], str]:
    from moto.cloudformation.models import cloudformation_backends

    from . import delete_failures

    if request.method != "POST":
        return _json(405, {"error": "use POST"})
    try:
        body = _body(request, headers)
    except ValueError:
        return _json(400, {"error": "body must be JSON like {\"stackName\": \"HTCondorAnnex-x\"}"})
    name = body.get("stackName") if isinstance(body, dict) else None
    if not isinstance(name, str) or name == "":
        return _json(400, {"error": f"stackName must be a non-empty string, got {name!r}"})
    reason = body.get("reason", delete_failures.DEFAULT_REASON)
    region = body.get("region", "us-east-1")
    account = body.get("accountId", "123456789012")
    if not all(isinstance(v, str) and v for v in (reason, region, account)):
        return _json(400, {"error": "reason, region and accountId must be non-empty strings"})
    delete_failures.arm(cloudformation_backends[account][region], name, reason)
    return _json(200, {"armed": name, "reason": reason})


ROUTES: dict[str, Handler] = {
    "{0}/moto-api/ext/health$": health,
    "{0}/moto-api/ext/reset$": reset,
    "{0}/moto-api/ext/alarms/evaluate$": evaluate,
    "{0}/moto-api/ext/cloudformation/fail-next-delete$": fail_next_delete,
}


def install() -> None:
    from moto.moto_api._internal import urls

    urls.url_paths.update(ROUTES)
