"""ClientRequestToken idempotency on CreateStack, as CloudFormation does it.

moto ignores the token, so a retried CreateStack fails with AlreadyExistsException. Here a
CreateStack that repeats the stack name and token of an earlier request (whose stack still
exists) returns the earlier StackId instead of creating anything; a different or missing
token keeps moto's AlreadyExistsException.
"""

from typing import Any

from moto.cloudformation.models import CloudFormationBackend
from moto.cloudformation.responses import CloudFormationResponse
from moto.core.responses import ActionResult

_TOKENS = "_annex_request_tokens"


def _tokens(backend: CloudFormationBackend) -> dict[tuple[str, str], str]:
    """(stack name, token) → stack id, kept on the backend so /moto-api/reset clears it."""
    tokens = getattr(backend, _TOKENS, None)
    if tokens is None:
        tokens = {}
        setattr(backend, _TOKENS, tokens)
    return tokens


def _live_stack_id(backend: CloudFormationBackend, stack_id: str) -> str | None:
    stack = backend.stacks.get(stack_id)
    if stack is None or stack.status == "DELETE_COMPLETE":
        return None
    return stack_id


def install() -> None:
    original = CloudFormationResponse.create_stack

    def create_stack(self: CloudFormationResponse) -> Any:
        token = self._get_param("ClientRequestToken")
        name = self._get_param("StackName")
        if not token or not name:
            return original(self)
        backend = self.cloudformation_backend
        tokens = _tokens(backend)
        earlier = tokens.get((name, token))
        if earlier is not None and _live_stack_id(backend, earlier) is not None:
            return ActionResult({"StackId": earlier})
        result = original(self)
        for stack in backend.stacks.values():
            if stack.name == name and stack.status != "DELETE_COMPLETE":
                tokens[(name, token)] = stack.stack_id
        return result

    CloudFormationResponse.create_stack = create_stack  # type: ignore[method-assign]
