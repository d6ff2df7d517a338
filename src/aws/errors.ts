import type { AwsCallContext } from "./types.js";

/** Domain error codes for failed AWS calls (they become GAHP `E_*` result codes). */
export const AWS_ERROR_CODES = {
  /** The call was throttled and the SDK's retries ran out. */
  throttled: "E_THROTTLED",
  /** The stack, bucket, object, group… does not exist. */
  notFound: "E_NOT_FOUND",
  /** The credentials lack a permission, or were rejected. */
  accessDenied: "E_ACCESS_DENIED",
  /** No credentials could be found at all. */
  credentials: "E_CREDENTIALS",
  /** The resource exists already, or is busy with another operation. */
  conflict: "E_CONFLICT",
  /** An update that changes nothing (CloudFormation's "No updates are to be performed"). */
  noChange: "E_NO_CHANGE",
  /** AWS rejected a parameter. */
  invalid: "E_AWS_INVALID",
  /** The service or the network failed (5xx, connection refused, timeout) and retries ran out. */
  unavailable: "E_UNAVAILABLE",
  /** Anything else. */
  other: "E_AWS",
} as const;

/** One of {@link AWS_ERROR_CODES}. */
export type AwsErrorCode = (typeof AWS_ERROR_CODES)[keyof typeof AWS_ERROR_CODES];

/**
 * Root of the AWS layer's errors: a failed AWS call translated at the boundary. It says which
 * call failed for which annex and stack, keeps the SDK exception as `cause`, and exposes the
 * AWS error code (`awsCode`) and HTTP status for logs.
 */
export class AwsError extends Error {
  override readonly name = "AwsError";
  readonly code: AwsErrorCode;
  readonly context: AwsCallContext;
  /** The SDK exception's name, e.g. `ThrottlingException`, `ValidationError`. */
  readonly awsCode: string;
  readonly httpStatus: number | undefined;
  readonly requestId: string | undefined;

  constructor(
    code: AwsErrorCode,
    context: AwsCallContext,
    detail: { awsCode: string; message: string; httpStatus?: number; requestId?: string; cause?: unknown },
  ) {
    super(describe(context, detail.awsCode, detail.message), { cause: detail.cause });
    this.code = code;
    this.context = context;
    this.awsCode = detail.awsCode;
    this.httpStatus = detail.httpStatus;
    this.requestId = detail.requestId;
  }
}

function describe(context: AwsCallContext, awsCode: string, message: string): string {
  const subject = [
    context.annex === undefined ? undefined : `annex "${context.annex}"`,
    context.stack === undefined ? undefined : `stack ${context.stack}`,
  ]
    .filter((part) => part !== undefined)
    .join(", ");
  return `${context.operation}${subject === "" ? "" : ` (${subject})`} failed: ${awsCode}: ${message}`;
}

const THROTTLING = new Set([
  "Throttling",
  "ThrottlingException",
  "ThrottledException",
  "RequestThrottled",
  "RequestThrottledException",
  "TooManyRequestsException",
  "RequestLimitExceeded",
  "SlowDown",
  "ProvisionedThroughputExceededException",
  "BandwidthLimitExceeded",
  "EC2ThrottledException",
  "PriorRequestNotComplete",
]);

const ACCESS_DENIED = new Set([
  "AccessDenied",
  "AccessDeniedException",
  "UnauthorizedOperation",
  "UnauthorizedAccess",
  "AuthFailure",
  "AuthorizationError",
  "InvalidClientTokenId",
  "InvalidAccessKeyId",
  "SignatureDoesNotMatch",
  "ExpiredToken",
  "ExpiredTokenException",
  "UnrecognizedClientException",
  "Forbidden",
  "InsufficientPrivilegesException",
]);

const NOT_FOUND = new Set([
  "NoSuchKey",
  "NoSuchBucket",
  "NotFound",
  "NoSuchEntity",
  "ResourceNotFoundException",
  "ResourceNotFound",
  "StackNotFoundException",
  "ChangeSetNotFoundException",
  "NotFoundException",
]);

const CONFLICT = new Set([
  "AlreadyExistsException",
  "AlreadyExists",
  "BucketAlreadyExists",
  "BucketAlreadyOwnedByYou",
  "ResourceInUse",
  "ResourceInUseFault",
  "ConflictException",
  "TokenAlreadyExistsException",
  "ScalingActivityInProgress",
  "ScalingActivityInProgressFault",
  "OperationInProgressException",
  "EntityAlreadyExists",
]);

const UNAVAILABLE = new Set([
  "ServiceUnavailable",
  "ServiceUnavailableException",
  "InternalFailure",
  "InternalError",
  "InternalServiceError",
  "RequestTimeout",
  "RequestTimeoutException",
  "TimeoutError",
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EPIPE",
  "ENOTFOUND",
  "EAI_AGAIN",
]);

/** CloudFormation reports both "no such stack" and bad input as `ValidationError`. */
const CFN_NOT_FOUND = /does not exist/i;
const CFN_NO_UPDATES = /No updates are to be performed/i;
const CFN_IN_PROGRESS = /is in [A-Z_]*IN_PROGRESS state|cannot be (updated|deleted)/i;

/** Reads the fields the SDK's exceptions (and Node's system errors) carry, without trusting them. */
function fields(error: unknown): { name: string; message: string; httpStatus?: number; requestId?: string } {
  if (typeof error !== "object" || error === null) return { name: "Unknown", message: String(error) };
  const record = error as Record<string, unknown>;
  const metadata =
    typeof record.$metadata === "object" && record.$metadata !== null
      ? (record.$metadata as Record<string, unknown>)
      : {};
  const systemCode = typeof record.code === "string" ? record.code : undefined;
  const name =
    typeof record.Code === "string"
      ? record.Code
      : typeof record.name === "string" && record.name !== "Error"
        ? record.name
        : (systemCode ?? "Error");
  const message = typeof record.message === "string" && record.message !== "" ? record.message : name;
  const httpStatus = typeof metadata.httpStatusCode === "number" ? metadata.httpStatusCode : undefined;
  const requestId = typeof metadata.requestId === "string" ? metadata.requestId : undefined;
  return {
    name: systemCode !== undefined && UNAVAILABLE.has(systemCode) ? systemCode : name,
    message,
    ...(httpStatus === undefined ? {} : { httpStatus }),
    ...(requestId === undefined ? {} : { requestId }),
  };
}

function classify(name: string, message: string, httpStatus: number | undefined): AwsErrorCode {
  if (THROTTLING.has(name) || httpStatus === 429) return AWS_ERROR_CODES.throttled;
  if (name === "CredentialsProviderError") return AWS_ERROR_CODES.credentials;
  if (ACCESS_DENIED.has(name)) return AWS_ERROR_CODES.accessDenied;
  if (NOT_FOUND.has(name) || name.endsWith(".NotFound") || name.endsWith("NotFoundException")) {
    return AWS_ERROR_CODES.notFound;
  }
  if (CONFLICT.has(name) || name.endsWith(".Duplicate")) return AWS_ERROR_CODES.conflict;
  if (name === "ValidationError") {
    if (CFN_NO_UPDATES.test(message)) return AWS_ERROR_CODES.noChange;
    if (CFN_NOT_FOUND.test(message)) return AWS_ERROR_CODES.notFound;
    if (CFN_IN_PROGRESS.test(message)) return AWS_ERROR_CODES.conflict;
    return AWS_ERROR_CODES.invalid;
  }
  if (UNAVAILABLE.has(name) || (httpStatus !== undefined && httpStatus >= 500)) {
    return AWS_ERROR_CODES.unavailable;
  }
  if (httpStatus === 403) return AWS_ERROR_CODES.accessDenied;
  if (httpStatus === 404) return AWS_ERROR_CODES.notFound;
  if (httpStatus === 409) return AWS_ERROR_CODES.conflict;
  if (name.startsWith("Invalid") || name.endsWith("ValidationException") || httpStatus === 400) {
    return AWS_ERROR_CODES.invalid;
  }
  return AWS_ERROR_CODES.other;
}

/** Translates anything an SDK call threw into an {@link AwsError}; an AwsError passes through. */
export function translateAwsError(error: unknown, context: AwsCallContext): AwsError {
  if (error instanceof AwsError) return error;
  const { name, message, httpStatus, requestId } = fields(error);
  return new AwsError(classify(name, message, httpStatus), context, {
    awsCode: name,
    message,
    ...(httpStatus === undefined ? {} : { httpStatus }),
    ...(requestId === undefined ? {} : { requestId }),
    cause: error,
  });
}

/**
 * Runs one SDK call and translates its failure: the only way src/annex calls AWS.
 * `awsCall({ operation: "CloudFormation.DeleteStack", annex }, () => cfn.send(cmd))`.
 */
export async function awsCall<T>(context: AwsCallContext, send: () => Promise<T>): Promise<T> {
  try {
    return await send();
  } catch (error) {
    throw translateAwsError(error, context);
  }
}

/** True when `error` is an {@link AwsError} with one of `codes`. */
export function isAwsError(error: unknown, ...codes: readonly AwsErrorCode[]): error is AwsError {
  return error instanceof AwsError && (codes.length === 0 || codes.includes(error.code));
}
