/**
 * The per-account, per-region setup stack: token bucket, lease Lambda (with role, log group and
 * sweeper schedule), the CloudFormation service role annex stacks run under, and the permissions
 * boundary of annex instance roles.
 */

import {
  checkovMetadata,
  SKIP_BUCKET,
  SKIP_LAMBDA,
  SKIP_LOG_GROUP_KMS,
  SKIP_SERVICE_ROLE_WRITE,
} from "./checkov.js";
import {
  ANNEX_IAM_PATH,
  LAMBDA_CODE_KEY_ROOT,
  LEASE_ENV,
  LEASE_FUNCTION_NAME,
  MANAGED_BY_VALUE,
  TAG_MANAGED_BY,
  TOKEN_KEY_ROOT,
} from "./constants.js";
import {
  INSTANCE_BOUNDARY_POLICY_NAME,
  instanceBoundaryPolicy,
  leaseFunctionPolicy,
  serviceRolePolicy,
  trustPolicy,
} from "./policies.js";
import {
  type CfnOutput,
  type CfnResource,
  type CfnTemplate,
  type Json,
  type SetupStackParams,
  TemplateParamsError,
} from "./types.js";
import { setupStackProblems } from "./validate.js";

/** Output names of the setup stack. */
export const SETUP_OUTPUTS = {
  tokenBucket: "TokenBucketName",
  leaseFunctionArn: "LeaseFunctionArn",
  serviceRoleArn: "ServiceRoleArn",
  instanceBoundaryArn: "InstanceBoundaryPolicyArn",
} as const;

/**
 * Capabilities CreateStack/UpdateStack need for the setup stack: it names the boundary policy
 * (so annex templates can refer to it by ARN without a parameter).
 */
export const SETUP_CAPABILITIES = ["CAPABILITY_IAM", "CAPABILITY_NAMED_IAM"] as const;

/** Object key for a lease Lambda zip with the given SHA-256 (hex). */
export function leaseCodeKey(sha256Hex: string): string {
  return `${LAMBDA_CODE_KEY_ROOT}lease-${sha256Hex}.zip`;
}

const managedTag = [{ Key: TAG_MANAGED_BY, Value: MANAGED_BY_VALUE }];

/** Renders the setup stack; throws {@link TemplateParamsError} naming every invalid parameter. */
export function renderSetupStack(p: SetupStackParams): CfnTemplate {
  const problems = setupStackProblems(p);
  if (problems.length > 0) throw new TemplateParamsError("setup stack", problems);

  const bucketProps: Record<string, Json> = {
    PublicAccessBlockConfiguration: {
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    },
    BucketEncryption: {
      ServerSideEncryptionConfiguration: [
        { ServerSideEncryptionByDefault: { SSEAlgorithm: "AES256" }, BucketKeyEnabled: true },
      ],
    },
    OwnershipControls: { Rules: [{ ObjectOwnership: "BucketOwnerEnforced" }] },
    LifecycleConfiguration: {
      Rules: [
        {
          Id: "expire-forgotten-tokens",
          Status: "Enabled",
          Prefix: TOKEN_KEY_ROOT,
          ExpirationInDays: p.tokenExpirationDays ?? 30,
        },
        {
          Id: "abort-incomplete-uploads",
          Status: "Enabled",
          AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 },
        },
      ],
    },
    Tags: managedTag,
  };
  if (p.bucketName !== undefined) bucketProps.BucketName = p.bucketName;

  const resources: Record<string, CfnResource> = {
    // Tokens and code only: nothing worth keeping once setup is removed.
    TokenBucket: {
      Type: "AWS::S3::Bucket",
      Metadata: checkovMetadata(SKIP_BUCKET),
      DeletionPolicy: "Delete",
      UpdateReplacePolicy: "Delete",
      Properties: bucketProps,
    },
    TokenBucketPolicy: {
      Type: "AWS::S3::BucketPolicy",
      Properties: {
        Bucket: { Ref: "TokenBucket" },
        PolicyDocument: {
          Version: "2012-10-17",
          Statement: [
            {
              Sid: "DenyInsecureTransport",
              Effect: "Deny",
              Principal: "*",
              Action: "s3:*",
              Resource: [{ "Fn::GetAtt": ["TokenBucket", "Arn"] }, { "Fn::Sub": `\${TokenBucket.Arn}/*` }],
              Condition: { Bool: { "aws:SecureTransport": "false" } },
            },
          ],
        },
      },
    },
    InstanceBoundaryPolicy: {
      Type: "AWS::IAM::ManagedPolicy",
      Properties: {
        ManagedPolicyName: { "Fn::Sub": INSTANCE_BOUNDARY_POLICY_NAME },
        Path: ANNEX_IAM_PATH,
        Description: "Upper bound of every HTCondor annex instance role (read tokens, leave own group)",
        PolicyDocument: instanceBoundaryPolicy(),
      },
    },
    ServiceRole: {
      Type: "AWS::IAM::Role",
      Metadata: checkovMetadata([SKIP_SERVICE_ROLE_WRITE]),
      Properties: {
        Description: "CloudFormation creates and deletes HTCondor annex stacks with this role",
        AssumeRolePolicyDocument: trustPolicy("cloudformation.amazonaws.com"),
        Policies: [{ PolicyName: "annex-stacks", PolicyDocument: serviceRolePolicy() }],
        Tags: managedTag,
      },
    },
    LeaseFunctionRole: {
      Type: "AWS::IAM::Role",
      Properties: {
        Description:
          "The HTCondor annex lease Lambda: confirm leases, delete expired annexes and their tokens",
        AssumeRolePolicyDocument: trustPolicy("lambda.amazonaws.com"),
        Policies: [{ PolicyName: "lease", PolicyDocument: leaseFunctionPolicy() }],
        Tags: managedTag,
      },
    },
    LeaseLogGroup: {
      Type: "AWS::Logs::LogGroup",
      Metadata: checkovMetadata([SKIP_LOG_GROUP_KMS]),
      DeletionPolicy: "Delete",
      UpdateReplacePolicy: "Delete",
      Properties: {
        LogGroupName: `/aws/lambda/${LEASE_FUNCTION_NAME}`,
        RetentionInDays: p.logRetentionDays ?? 30,
      },
    },
  };

  const outputs: Record<string, CfnOutput> = {
    [SETUP_OUTPUTS.tokenBucket]: {
      Description: "Private bucket for pool tokens",
      Value: { Ref: "TokenBucket" },
    },
    [SETUP_OUTPUTS.serviceRoleArn]: {
      Description: "Role annex stacks are created with",
      Value: { "Fn::GetAtt": ["ServiceRole", "Arn"] },
    },
    [SETUP_OUTPUTS.instanceBoundaryArn]: {
      Description: "Permissions boundary of annex instance roles",
      Value: { Ref: "InstanceBoundaryPolicy" },
    },
  };

  if (p.leaseCode !== undefined) {
    const codeBucket: Json = p.leaseCode.s3Bucket ?? { Ref: "TokenBucket" };
    resources.LeaseFunction = {
      Type: "AWS::Lambda::Function",
      Metadata: checkovMetadata(SKIP_LAMBDA),
      // The log group (with its retention) must exist before the function can log into it.
      DependsOn: "LeaseLogGroup",
      Properties: {
        FunctionName: LEASE_FUNCTION_NAME,
        Description:
          "HTCondor annex lease: deletes annexes whose heartbeats stopped; sweeps deadlines and orphans",
        Runtime: "nodejs24.x",
        Handler: "index.handler",
        MemorySize: 256,
        Timeout: 300,
        Role: { "Fn::GetAtt": ["LeaseFunctionRole", "Arn"] },
        Code: { S3Bucket: codeBucket, S3Key: p.leaseCode.s3Key },
        Environment: {
          Variables: {
            [LEASE_ENV.tokenBucket]: { Ref: "TokenBucket" },
            [LEASE_ENV.serviceRoleArn]: { "Fn::GetAtt": ["ServiceRole", "Arn"] },
            [LEASE_ENV.orphanTokenGraceSeconds]: String(p.orphanTokenGraceSeconds ?? 900),
          },
        },
        Tags: managedTag,
      },
    };
    resources.SweepSchedule = {
      Type: "AWS::Events::Rule",
      Properties: {
        Description:
          "Runs the HTCondor annex lease Lambda as sweeper (deadlines, DELETE_FAILED, orphan tokens)",
        ScheduleExpression: p.sweepSchedule ?? "rate(5 minutes)",
        State: "ENABLED",
        Targets: [
          {
            Arn: { "Fn::GetAtt": ["LeaseFunction", "Arn"] },
            Id: "lease-sweeper",
            Input: '{"action":"sweep"}',
          },
        ],
      },
    };
    resources.SweepInvokePermission = {
      Type: "AWS::Lambda::Permission",
      Properties: {
        Action: "lambda:InvokeFunction",
        FunctionName: { Ref: "LeaseFunction" },
        Principal: "events.amazonaws.com",
        SourceArn: { "Fn::GetAtt": ["SweepSchedule", "Arn"] },
      },
    };
    outputs[SETUP_OUTPUTS.leaseFunctionArn] = {
      Description: "The lease Lambda every annex's lease topic invokes",
      Value: { "Fn::GetAtt": ["LeaseFunction", "Arn"] },
    };
  }

  return {
    AWSTemplateFormatVersion: "2010-09-09",
    Description: "condor-annex setup: token bucket, lease Lambda and sweeper, CloudFormation service role",
    Resources: resources,
    Outputs: outputs,
  };
}
