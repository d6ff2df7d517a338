/**
 * checkov findings this project accepts, as resource Metadata checkov reads
 * (`Metadata.checkov.skip`), each with the reason next to the resource it concerns.
 */
import type { Json } from "./types.js";

/** One accepted checkov finding. */
export interface CheckovSkip {
  readonly id: string;
  readonly comment: string;
}

/** `Metadata` for a resource with these accepted findings. */
export function checkovMetadata(skips: readonly CheckovSkip[]): { readonly [key: string]: Json } {
  return { checkov: { skip: skips.map((s) => ({ id: s.id, comment: s.comment })) } };
}

export const SKIP_TOPIC_KMS: CheckovSkip = {
  id: "CKV_AWS_26",
  comment:
    "The lease topic carries only alarm state changes (no secrets). CloudWatch can publish to an encrypted topic only with a customer-managed KMS key whose policy admits it; not worth a key per account.",
};

export const SKIP_BUCKET: readonly CheckovSkip[] = [
  {
    id: "CKV_AWS_21",
    comment: "No versioning on purpose: deleted tokens must be gone, not kept as noncurrent versions.",
  },
  {
    id: "CKV_AWS_18",
    comment:
      "No server access logging: it needs a second bucket; object access is auditable with CloudTrail data events, and objects are short-lived tokens.",
  },
];

export const SKIP_LOG_GROUP_KMS: CheckovSkip = {
  id: "CKV_AWS_158",
  comment:
    "The lease Lambda logs decisions only (never a token); CloudWatch Logs encrypts at rest by default.",
};

export const SKIP_SERVICE_ROLE_WRITE: CheckovSkip = {
  id: "CKV_AWS_111",
  comment:
    "Creating security groups and launch templates has no resource ARN before creation; every other write is scoped by name prefix, IAM path, permissions boundary or annex tag (docs/templates.md lists each wildcard).",
};

export const SKIP_LAMBDA: readonly CheckovSkip[] = [
  {
    id: "CKV_AWS_115",
    comment: "No reserved concurrency: new accounts have too little unreserved concurrency to reserve any.",
  },
  {
    id: "CKV_AWS_116",
    comment:
      "No dead-letter queue: the sweeper re-checks every lease alarm still in ALARM, which covers a failed run.",
  },
  {
    id: "CKV_AWS_117",
    comment: "Outside a VPC on purpose: it calls only AWS APIs and needs no network of the account.",
  },
  {
    id: "CKV_AWS_173",
    comment:
      "Its environment holds a bucket name, a role ARN and a number; nothing secret to encrypt with a KMS key.",
  },
];
