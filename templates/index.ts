/**
 * Public API of the templates: renderers for the setup stack and the annex stack, the names of
 * their parameters and outputs, and the stack tags an annex stack is created with.
 *
 * STUB (first commit): the renderers return minimal valid templates so that src/annex can build
 * against this interface; the full templates replace them in the next commits.
 */
import { TAG_ANNEX_NAME, TAG_DEADLINE, TAG_OWNER, TAG_POOL, TAG_REQUEST } from "./constants.js";
import type { AnnexStackParams, CfnTemplate, SetupStackParams, StackTag } from "./types.js";

export * from "./constants.js";
export * from "./types.js";

/** Output names of the setup stack. */
export const SETUP_OUTPUTS = {
  tokenBucket: "TokenBucketName",
  leaseFunctionArn: "LeaseFunctionArn",
  serviceRoleArn: "ServiceRoleArn",
} as const;

/** Parameter names of the annex stack that a resize may change with `UsePreviousTemplate`. */
export const ANNEX_PARAMETERS = {
  desiredCapacity: "DesiredCapacity",
  maxCapacity: "MaxCapacity",
} as const;

/** Output names of the annex stack. */
export const ANNEX_OUTPUTS = {
  autoScalingGroupName: "AutoScalingGroupName",
  leaseAlarmName: "LeaseAlarmName",
  leaseTopicArn: "LeaseTopicArn",
  launchTemplateId: "LaunchTemplateId",
  securityGroupId: "SecurityGroupId",
  instanceRoleArn: "InstanceRoleArn",
} as const;

/** STUB: renders the per-account setup stack. */
export function renderSetupStack(_p: SetupStackParams): CfnTemplate {
  return {
    AWSTemplateFormatVersion: "2010-09-09",
    Description: "condor-annex setup (stub)",
    Resources: { TokenBucket: { Type: "AWS::S3::Bucket" } },
    Outputs: { [SETUP_OUTPUTS.tokenBucket]: { Value: { Ref: "TokenBucket" } } },
  };
}

/** STUB: renders the annex stack `HTCondorAnnex-<name>`. */
export function renderAnnexStack(p: AnnexStackParams): CfnTemplate {
  return {
    AWSTemplateFormatVersion: "2010-09-09",
    Description: `condor-annex annex ${p.annexName} (stub)`,
    Resources: { LeaseTopic: { Type: "AWS::SNS::Topic" } },
  };
}

/** The tags CreateStack/UpdateStack must carry for an annex stack (the sweeper and list read them). */
export function annexStackTags(p: AnnexStackParams): StackTag[] {
  const tags: StackTag[] = [
    { Key: TAG_ANNEX_NAME, Value: p.annexName },
    { Key: TAG_POOL, Value: p.pool ?? p.collectorHost },
    { Key: TAG_OWNER, Value: p.owner },
    { Key: TAG_DEADLINE, Value: p.deadline },
  ];
  if (p.request !== undefined) tags.push({ Key: TAG_REQUEST, Value: p.request });
  for (const [Key, Value] of Object.entries(p.tags ?? {})) tags.push({ Key, Value });
  return tags;
}
