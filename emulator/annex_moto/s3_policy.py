"""Bucket policies that keep their conditions without locking the tests out.

moto enforces stored bucket policies on object requests but ignores `Condition` blocks, so a
usual "deny when aws:SecureTransport is false" statement denies every request. This module
stores the full document for GetBucketPolicy and lets moto enforce only the statements
without conditions (documented in docs/emulator.md).
"""

import json
from typing import Any

from moto.s3.models import S3Backend

_FULL_POLICY = "_annex_full_policy"


def enforceable_policy(text: bytes) -> bytes:
    """The policy with every statement that has a Condition removed (unparseable input unchanged)."""
    try:
        document = json.loads(text)
    except ValueError:
        return text
    statements = document.get("Statement") if isinstance(document, dict) else None
    if isinstance(statements, dict):
        statements = [statements]
    if not isinstance(statements, list):
        return text
    document["Statement"] = [s for s in statements if not (isinstance(s, dict) and s.get("Condition"))]
    return json.dumps(document).encode("utf-8")


def install() -> None:
    original_put = S3Backend.put_bucket_policy
    original_get = S3Backend.get_bucket_policy

    def put_bucket_policy(self: S3Backend, bucket_name: str, policy: bytes) -> None:
        raw = policy if isinstance(policy, bytes) else str(policy).encode("utf-8")
        original_put(self, bucket_name, enforceable_policy(raw))
        setattr(self.get_bucket(bucket_name), _FULL_POLICY, raw)

    def get_bucket_policy(self: S3Backend, bucket_name: str) -> Any:
        stored = original_get(self, bucket_name)
        if stored is None:
            return None
        return getattr(self.get_bucket(bucket_name), _FULL_POLICY, stored)

    S3Backend.put_bucket_policy = put_bucket_policy  # type: ignore[method-assign]
    S3Backend.get_bucket_policy = get_bucket_policy  # type: ignore[method-assign]
