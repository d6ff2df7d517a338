"""Control routes served under /moto-api/ext/ (registered before the server starts)."""

import json
from typing import Any, Callable

Handler = Callable[[Any, str, Any], tuple[int, dict[str, str], str]]


def _json(status: int, body: Any) -> tuple[int, dict[str, str], str]:
    return status, {"Content-Type": "application/json"}, json.dumps(body)


def health(request: Any, full_url: str, headers: Any) -> tuple[int, dict[str, str], str]:
    import moto

    return _json(200, {"extension": "annex_moto", "moto": moto.__version__})


def reset(request: Any, full_url: str, headers: Any) -> tuple[int, dict[str, str], str]:
    return _json(200, {"reset": True})


ROUTES: dict[str, Handler] = {
    "{0}/moto-api/ext/reset$": reset,
    "{0}/moto-api/ext/health$": health,
}


def install() -> None:
    from moto.moto_api._internal import urls

    urls.url_paths.update(ROUTES)
