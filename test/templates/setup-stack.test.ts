/**
 * The setup stack: two-pass creation (bucket first, then the Lambda whose code lies in it), the
 * lease Lambda's runtime, environment and log group, the sweeper schedule and the outputs.
 */
import { describe, expect, it } from "vitest";
import {
  LEASE_ENV,
  LEASE_FUNCTION_NAME,
  leaseCodeKey,
  renderSetupStack,
  SETUP_OUTPUTS,
  setupStackProblems,
  TemplateParamsError,
} from "../../templates/index.js";

describe("setup stack", () => {
  it("holds bucket, roles, boundary and log group but no function on the first pass (its code has nowhere to live yet)", () => {
    const t = renderSetupStack({});
    expect(Object.keys(t.Resources).sort()).toEqual([
      "InstanceBoundaryPolicy",
      "LeaseFunctionRole",
      "LeaseLogGroup",
      "ServiceRole",
      "TokenBucket",
      "TokenBucketPolicy",
    ]);
    expect(Object.keys(t.Outputs ?? {}).sort()).toEqual(
      [SETUP_OUTPUTS.instanceBoundaryArn, SETUP_OUTPUTS.serviceRoleArn, SETUP_OUTPUTS.tokenBucket].sort(),
    );
  });

  it("adds the nodejs24.x lease function, its schedule and permission once the code location is known", () => {
    const t = renderSetupStack({ leaseCode: { s3Key: leaseCodeKey("ab12") } });
    const fn = t.Resources.LeaseFunction;
    expect(fn?.DependsOn).toBe("LeaseLogGroup");
    expect(fn?.Properties).toMatchObject({
      FunctionName: LEASE_FUNCTION_NAME,
      Runtime: "nodejs24.x",
      Handler: "index.handler",
      Code: { S3Bucket: { Ref: "TokenBucket" }, S3Key: "lambda/lease-ab12.zip" },
      Environment: {
        Variables: {
          [LEASE_ENV.tokenBucket]: { Ref: "TokenBucket" },
          [LEASE_ENV.serviceRoleArn]: { "Fn::GetAtt": ["ServiceRole", "Arn"] },
          [LEASE_ENV.orphanTokenGraceSeconds]: "900",
        },
      },
    });
    expect(t.Resources.SweepSchedule?.Properties).toMatchObject({
      ScheduleExpression: "rate(5 minutes)",
      State: "ENABLED",
      Targets: [
        { Arn: { "Fn::GetAtt": ["LeaseFunction", "Arn"] }, Id: "lease-sweeper", Input: '{"action":"sweep"}' },
      ],
    });
    expect(t.Resources.SweepInvokePermission?.Properties).toEqual({
      Action: "lambda:InvokeFunction",
      FunctionName: { Ref: "LeaseFunction" },
      Principal: "events.amazonaws.com",
      SourceArn: { "Fn::GetAtt": ["SweepSchedule", "Arn"] },
    });
    expect(t.Outputs?.[SETUP_OUTPUTS.leaseFunctionArn]?.Value).toEqual({
      "Fn::GetAtt": ["LeaseFunction", "Arn"],
    });
  });

  it("gives the Lambda's log group a retention (the Lambda's own would keep logs forever)", () => {
    expect(renderSetupStack({}).Resources.LeaseLogGroup?.Properties).toEqual({
      LogGroupName: "/aws/lambda/htcondor-annex-lease",
      RetentionInDays: 30,
    });
    expect(
      renderSetupStack({ logRetentionDays: 7 }).Resources.LeaseLogGroup?.Properties?.RetentionInDays,
    ).toBe(7);
  });

  it("takes code from another bucket and honours the options", () => {
    const t = renderSetupStack({
      leaseCode: { s3Bucket: "artifacts-123", s3Key: "k.zip" },
      bucketName: "my-annex-tokens",
      sweepSchedule: "rate(1 minute)",
      tokenExpirationDays: 3,
      orphanTokenGraceSeconds: 60,
    });
    expect(t.Resources.LeaseFunction?.Properties?.Code).toEqual({
      S3Bucket: "artifacts-123",
      S3Key: "k.zip",
    });
    expect(t.Resources.TokenBucket?.Properties?.BucketName).toBe("my-annex-tokens");
    expect(t.Resources.SweepSchedule?.Properties?.ScheduleExpression).toBe("rate(1 minute)");
    expect(JSON.stringify(t.Resources.TokenBucket)).toContain('"ExpirationInDays":3');
    expect(JSON.stringify(t.Resources.LeaseFunction)).toContain(
      `"${LEASE_ENV.orphanTokenGraceSeconds}":"60"`,
    );
  });

  it("rejects invalid options with messages naming them", () => {
    const bad = {
      bucketName: "Bad_Bucket",
      sweepSchedule: "every 5 minutes",
      logRetentionDays: 2,
      tokenExpirationDays: 0,
    };
    const problems = setupStackProblems(bad);
    expect(problems).toEqual([
      'bucketName: "Bad_Bucket" is not an S3 bucket name',
      'sweepSchedule: "every 5 minutes" is not rate(N minutes) or cron(...)',
      expect.stringMatching(/^logRetentionDays: expected one of 1, 3, 5, 7, 14, 30/),
      "tokenExpirationDays: expected a positive integer",
    ]);
    expect(() => renderSetupStack(bad)).toThrow(TemplateParamsError);
  });
});
