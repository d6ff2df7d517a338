import { AlreadyExistsException, CloudFormationServiceException } from "@aws-sdk/client-cloudformation";
import { describe, expect, it } from "vitest";
import { AWS_ERROR_CODES, AwsError, awsCall, isAwsError, translateAwsError } from "../../src/aws/index.js";

/** An exception shaped like the SDK's: name, message, $metadata, $fault. */
function sdkError(name: string, message: string, httpStatusCode?: number): Error {
  return Object.assign(new Error(message), {
    name,
    $fault: httpStatusCode !== undefined && httpStatusCode >= 500 ? "server" : "client",
    $metadata: { httpStatusCode, requestId: "req-1" },
  });
}

const context = {
  operation: "CloudFormation.CreateStack",
  annex: "chem-burst",
  stack: "HTCondorAnnex-chem-burst",
};

describe("translating SDK exceptions into domain errors", () => {
  it.each([
    ["ThrottlingException", "Rate exceeded", 400, AWS_ERROR_CODES.throttled],
    ["Throttling", "Rate exceeded", 400, AWS_ERROR_CODES.throttled],
    ["RequestLimitExceeded", "Request limit exceeded.", 503, AWS_ERROR_CODES.throttled],
    ["SlowDown", "Please reduce your request rate.", 503, AWS_ERROR_CODES.throttled],
    ["Whatever", "too many", 429, AWS_ERROR_CODES.throttled],
    [
      "AccessDenied",
      "User is not authorized to perform: cloudformation:CreateStack",
      403,
      AWS_ERROR_CODES.accessDenied,
    ],
    ["UnauthorizedOperation", "You are not authorized", 403, AWS_ERROR_CODES.accessDenied],
    [
      "ExpiredToken",
      "The security token included in the request is expired",
      403,
      AWS_ERROR_CODES.accessDenied,
    ],
    [
      "CredentialsProviderError",
      "Could not load credentials from any providers",
      undefined,
      AWS_ERROR_CODES.credentials,
    ],
    ["ValidationError", "Stack with id HTCondorAnnex-x does not exist", 400, AWS_ERROR_CODES.notFound],
    ["ValidationError", "No updates are to be performed.", 400, AWS_ERROR_CODES.noChange],
    [
      "ValidationError",
      "Stack:arn is in UPDATE_IN_PROGRESS state and can not be updated.",
      400,
      AWS_ERROR_CODES.conflict,
    ],
    ["ValidationError", "Parameter MaxCapacity must be a number", 400, AWS_ERROR_CODES.invalid],
    ["NoSuchKey", "The specified key does not exist.", 404, AWS_ERROR_CODES.notFound],
    ["InvalidVpcID.NotFound", "The vpc ID 'vpc-1' does not exist", 400, AWS_ERROR_CODES.notFound],
    ["ResourceNotFoundException", "Function not found", 404, AWS_ERROR_CODES.notFound],
    ["AlreadyExistsException", "Stack [HTCondorAnnex-x] already exists", 400, AWS_ERROR_CODES.conflict],
    ["InvalidGroup.Duplicate", "The security group already exists", 400, AWS_ERROR_CODES.conflict],
    ["ScalingActivityInProgress", "Scaling activity in progress", 400, AWS_ERROR_CODES.conflict],
    ["InternalFailure", "An internal error occurred", 500, AWS_ERROR_CODES.unavailable],
    ["ServiceUnavailable", "Service unavailable", 503, AWS_ERROR_CODES.unavailable],
    [
      "InvalidParameterValue",
      "Value (x) for parameter instanceType is invalid",
      400,
      AWS_ERROR_CODES.invalid,
    ],
    ["SomethingNew", "surprise", undefined, AWS_ERROR_CODES.other],
  ])("%s (%s, HTTP %s) → %s", (name, message, status, code) => {
    const translated = translateAwsError(sdkError(name, message, status), context);
    expect(translated.code).toBe(code);
    expect(translated.awsCode).toBe(name);
  });

  it("says which call failed for which annex and stack, and keeps the cause and request id", () => {
    const cause = sdkError("AccessDenied", "not authorized", 403);
    const error = translateAwsError(cause, context);
    expect(error).toBeInstanceOf(AwsError);
    expect(error.message).toBe(
      'CloudFormation.CreateStack (annex "chem-burst", stack HTCondorAnnex-chem-burst) failed: AccessDenied: not authorized',
    );
    expect(error.cause).toBe(cause);
    expect(error.context).toEqual(context);
    expect(error.httpStatus).toBe(403);
    expect(error.requestId).toBe("req-1");
  });

  it("translates the SDK's own exception classes", () => {
    const exception = new AlreadyExistsException({ message: "Stack [x] already exists", $metadata: {} });
    expect(exception).toBeInstanceOf(CloudFormationServiceException);
    expect(translateAwsError(exception, context).code).toBe(AWS_ERROR_CODES.conflict);
  });

  it("translates network failures (Node system errors) as unavailable", () => {
    const refused = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:1"), { code: "ECONNREFUSED" });
    const error = translateAwsError(refused, { operation: "CloudWatch.PutMetricData" });
    expect(error.code).toBe(AWS_ERROR_CODES.unavailable);
    expect(error.awsCode).toBe("ECONNREFUSED");
    expect(error.message).toBe(
      "CloudWatch.PutMetricData failed: ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:1",
    );
  });

  it("translates things that are not errors at all without crashing", () => {
    expect(translateAwsError("boom", context).code).toBe(AWS_ERROR_CODES.other);
    expect(translateAwsError(undefined, context).message).toContain("failed: Unknown: undefined");
  });

  it("passes an AwsError through unchanged (no double wrapping)", () => {
    const once = translateAwsError(sdkError("Throttling", "slow down", 400), context);
    expect(translateAwsError(once, { operation: "Other.Call" })).toBe(once);
  });

  it("awsCall returns the result, or throws the translated error", async () => {
    await expect(awsCall(context, async () => 42)).resolves.toBe(42);
    const failure = awsCall(context, async () => {
      throw sdkError("ThrottlingException", "Rate exceeded", 400);
    });
    await expect(failure).rejects.toBeInstanceOf(AwsError);
    await expect(failure).rejects.toMatchObject({ code: "E_THROTTLED" });
  });

  it("isAwsError narrows by code", () => {
    const error = translateAwsError(sdkError("NoSuchKey", "gone", 404), context);
    expect(isAwsError(error)).toBe(true);
    expect(isAwsError(error, AWS_ERROR_CODES.notFound)).toBe(true);
    expect(isAwsError(error, AWS_ERROR_CODES.conflict)).toBe(false);
    expect(isAwsError(new Error("x"))).toBe(false);
  });
});
