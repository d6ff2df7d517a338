"""Simulated DELETE_FAILED: CloudFormation fails a stack deletion when a resource cannot be
deleted (a non-empty bucket, a dependency outside the stack, a missing permission); moto never
does. A test arms a failure for a stack name; the next DeleteStack of that stack leaves every
resource in place, records DELETE_IN_PROGRESS and DELETE_FAILED events, and sets the stack to
DELETE_FAILED with the reason. The following DeleteStack deletes as usual (the blocker is gone),
which is what a sweeper that retries deletions relies on.

POST /moto-api/ext/cloudformation/fail-next-delete
     body {"stackName": "...", "reason": "...", "region": "us-east-1", "accountId": "123456789012"}
"""

from typing import Any

from moto.cloudformation.models import CloudFormationBackend

_ARMED = "_annex_fail_next_delete"
DEFAULT_REASON = "The following resource(s) failed to delete: [AutoScalingGroup]. (simulated by annex_moto)"


def _armed(backend: CloudFormationBackend) -> dict[str, str]:
    """Stack name → reason, kept on the backend so /moto-api/reset clears it."""
    armed = getattr(backend, _ARMED, None)
    if armed is None:
        armed = {}
        setattr(backend, _ARMED, armed)
    return armed


def arm(backend: CloudFormationBackend, stack_name: str, reason: str = DEFAULT_REASON) -> None:
    """Makes the next deletion of `stack_name` fail with `reason`."""
    _armed(backend)[stack_name] = reason


def install() -> None:
    original = CloudFormationBackend.delete_stack

    def delete_stack(self: CloudFormationBackend, name_or_stack_id: str) -> None:
        armed = _armed(self)
        stack = self.stacks.get(name_or_stack_id)
        if stack is None:
            stack = next((s for s in self.stacks.values() if s.name == name_or_stack_id), None)
        if stack is None or stack.name not in armed or stack.status == "DELETE_COMPLETE":
            return original(self, name_or_stack_id)
        reason = armed.pop(stack.name)
        stack._add_stack_event("DELETE_IN_PROGRESS", resource_status_reason="User Initiated")
        stack._add_stack_event("DELETE_FAILED", resource_status_reason=reason)
        stack.status = "DELETE_FAILED"
        stack.status_reason = reason
        return None

    CloudFormationBackend.delete_stack = delete_stack  # type: ignore[method-assign]
