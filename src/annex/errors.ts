import { AwsError } from "../aws/index.js";
import type { RequestIssue } from "./types.js";

/** Domain error codes of annex operations (besides the AWS layer's `E_*` codes). */
export const ANNEX_ERROR_CODES = {
  /** The request (a ClassAd) is malformed or invalid. */
  invalidRequest: "E_INVALID_REQUEST",
  /** The name belongs to an annex of another pool. */
  otherPool: "E_OTHER_POOL",
  /** No annex (or no setup stack) by that name. */
  notFound: "E_NOT_FOUND",
  /** The setup stack is missing or incomplete: run setup first. */
  notSetUp: "E_NOT_SET_UP",
  /** A stack ended in a failed state, or did not settle in time. */
  stackFailed: "E_STACK_FAILED",
  /** No pool token could be obtained (file missing, command failed). */
  token: "E_TOKEN",
  /** The account has no default VPC (or it has no subnets) and the request names none. */
  noSubnets: "E_NO_SUBNETS",
} as const;

export type AnnexErrorCode = (typeof ANNEX_ERROR_CODES)[keyof typeof ANNEX_ERROR_CODES];

/** Which annex an error is about, and in which step. */
export interface AnnexErrorContext {
  readonly annex?: string;
  readonly stack?: string;
  readonly operation?: string;
}

/** Root of the annex domain's errors. */
export class AnnexError extends Error {
  override readonly name: string = "AnnexError";
  readonly code: AnnexErrorCode;
  readonly context: AnnexErrorContext;

  constructor(code: AnnexErrorCode, message: string, context: AnnexErrorContext = {}, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
    this.code = code;
    this.context = context;
  }
}

/** An invalid request: every issue, each naming its attribute and the expected form. */
export class InvalidRequestError extends AnnexError {
  override readonly name = "InvalidRequestError";
  readonly issues: readonly RequestIssue[];

  constructor(issues: readonly RequestIssue[], context: AnnexErrorContext = {}) {
    super(
      ANNEX_ERROR_CODES.invalidRequest,
      issues.map((issue) => `${issue.attribute}: ${issue.message}`).join("; "),
      context,
    );
    this.issues = issues;
  }
}

/** The stack for this name exists but belongs to another pool: never adopted. */
export class OtherPoolError extends AnnexError {
  override readonly name = "OtherPoolError";
  readonly otherPool: string;

  constructor(annex: string, stack: string, otherPool: string | undefined, ourPool: string) {
    const owner =
      otherPool === undefined ? "no pool tag (not created by condor-annex)" : `pool "${otherPool}"`;
    super(
      ANNEX_ERROR_CODES.otherPool,
      `annex name "${annex}" is taken: stack ${stack} belongs to ${owner}, not to this pool "${ourPool}"; choose another Name`,
      { annex, stack },
    );
    this.otherPool = otherPool ?? "";
  }
}

/** The error code of anything an annex operation throws (`E_INTERNAL` for programming errors). */
export function errorCodeOf(error: unknown): string {
  if (error instanceof AnnexError || error instanceof AwsError) return error.code;
  return "E_INTERNAL";
}
