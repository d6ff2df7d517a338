/**
 * The annex stack `HTCondorAnnex-<name>`: lease (alarm → topic → lease Lambda), launch template,
 * one mixed-instances AutoScaling group, a security group and the instance role.
 */
import { renderBootstrap } from "./bootstrap.js";
import { checkovMetadata, SKIP_TOPIC_KMS } from "./checkov.js";
import {
  ANNEX_IAM_PATH,
  annexResourceName,
  leaseAlarmName,
  MANAGED_BY_VALUE,
  METRIC_DIMENSION,
  METRIC_NAME,
  METRIC_NAMESPACE,
  TAG_ANNEX_NAME,
  TAG_LEGACY_ANNEX_NAME,
  TAG_MANAGED_BY,
  TAG_OWNER,
  TAG_POOL,
  tokenObjectKey,
} from "./constants.js";
import { INSTANCE_BOUNDARY_POLICY_ARN, instanceRolePolicy, trustPolicy } from "./policies.js";
import {
  type AnnexStackParams,
  type CfnOutput,
  type CfnParameter,
  type CfnResource,
  type CfnTemplate,
  type Json,
  TemplateParamsError,
} from "./types.js";
import { annexStackProblems } from "./validate.js";

/** Parameter names of the annex stack that a resize may change with `UsePreviousTemplate`. */
export const ANNEX_PARAMETERS = {
  desiredCapacity: "DesiredCapacity",
  maxCapacity: "MaxCapacity",
  imageId: "ImageId",
} as const;

/** Output names of the annex stack. */
export const ANNEX_OUTPUTS = {
  autoScalingGroupName: "AutoScalingGroupName",
  leaseAlarmName: "LeaseAlarmName",
  leaseTopicArn: "LeaseTopicArn",
  launchTemplateId: "LaunchTemplateId",
  securityGroupId: "SecurityGroupId",
  instanceRoleArn: "InstanceRoleArn",
  instanceProfileArn: "InstanceProfileArn",
} as const;

/** Capabilities CreateStack needs for an annex stack (it creates an IAM role with a generated name). */
export const ANNEX_CAPABILITIES = ["CAPABILITY_IAM"] as const;

/** Tags on every taggable resource of the annex (the deadline and request stay on the stack). */
export function annexResourceTags(p: AnnexStackParams): { Key: string; Value: string }[] {
  return [
    { Key: TAG_ANNEX_NAME, Value: p.annexName },
    { Key: TAG_LEGACY_ANNEX_NAME, Value: p.annexName },
    { Key: TAG_POOL, Value: p.pool ?? p.collectorHost },
    { Key: TAG_OWNER, Value: p.owner },
    { Key: TAG_MANAGED_BY, Value: MANAGED_BY_VALUE },
    ...Object.entries(p.tags ?? {}).map(([Key, Value]) => ({ Key, Value })),
  ];
}

/** How many alarm periods make up the lease window. */
export function leaseEvaluationPeriods(leaseMinutes: number, periodSeconds: number): number {
  return Math.max(1, Math.ceil((leaseMinutes * 60) / periodSeconds));
}

/** Renders the annex stack; throws {@link TemplateParamsError} naming every invalid parameter. */
export function renderAnnexStack(p: AnnexStackParams): CfnTemplate {
  const problems = annexStackProblems(p);
  if (problems.length > 0) throw new TemplateParamsError("annex stack", problems);

  const name = annexResourceName(p.annexName);
  const tags = annexResourceTags(p);
  const period = p.leasePeriodSeconds ?? 60;
  const spotShare = p.onDemandPercentageAboveBase ?? (p.spot ? 0 : 100);

  const parameters: Record<string, CfnParameter> = {
    [ANNEX_PARAMETERS.desiredCapacity]: {
      Type: "Number",
      Description: "Instances the group should run now (the helper changes it as demand moves)",
      Default: p.desiredCapacity,
      MinValue: 0,
    },
    [ANNEX_PARAMETERS.maxCapacity]: {
      Type: "Number",
      Description: "Upper bound of the group (the request's MaxInstances)",
      Default: p.maxCapacity,
      MinValue: 1,
    },
  };
  let imageId: Json = p.image.kind === "ami" ? p.image.imageId : { Ref: ANNEX_PARAMETERS.imageId };
  if (p.image.kind === "ssm") {
    parameters[ANNEX_PARAMETERS.imageId] = {
      Type: "AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>",
      Description: "SSM parameter holding the image id, resolved when the stack is created or updated",
      Default: p.image.parameter,
    };
  } else {
    imageId = p.image.imageId;
  }

  const securityGroupProps: Record<string, Json> = {
    GroupDescription: `HTCondor annex ${p.annexName}: outbound only unless ingress was requested`,
    Tags: tags,
  };
  if (p.vpcId !== undefined) securityGroupProps.VpcId = p.vpcId;
  if (p.ingress !== undefined && p.ingress.length > 0) {
    securityGroupProps.SecurityGroupIngress = p.ingress.map((r) => {
      const rule: Record<string, Json> = {
        IpProtocol: r.protocol,
        FromPort: r.fromPort,
        ToPort: r.toPort,
        CidrIp: r.cidr,
        Description: r.description ?? `condor-annex: requested ${r.protocol} ${r.fromPort}-${r.toPort}`,
      };
      return rule;
    });
  }

  const userData = renderBootstrap({
    annexName: p.annexName,
    tokenBucket: p.tokenBucket,
    tokenKey: p.tokenKey ?? tokenObjectKey(p.annexName),
    collectorHost: p.collectorHost,
    idleSeconds: p.idleMinutes * 60,
    ...(p.allowedJobOwners !== undefined ? { allowedJobOwners: p.allowedJobOwners } : {}),
    ...(p.extraCondorConfig !== undefined ? { extraCondorConfig: p.extraCondorConfig } : {}),
  });

  const groupPlacement: Record<string, Json> =
    p.subnets.length > 0
      ? { VPCZoneIdentifier: [...p.subnets] }
      : { AvailabilityZones: { "Fn::GetAZs": "" } };

  const instancesDistribution: Record<string, Json> = {
    OnDemandAllocationStrategy: "prioritized",
    OnDemandBaseCapacity: p.onDemandBase ?? 0,
    OnDemandPercentageAboveBaseCapacity: spotShare,
  };
  if (spotShare < 100) instancesDistribution.SpotAllocationStrategy = "price-capacity-optimized";

  const group: Record<string, Json> = {
    AutoScalingGroupName: name,
    MinSize: "0",
    MaxSize: { Ref: ANNEX_PARAMETERS.maxCapacity },
    DesiredCapacity: { Ref: ANNEX_PARAMETERS.desiredCapacity },
    ...groupPlacement,
    MixedInstancesPolicy: {
      LaunchTemplate: {
        LaunchTemplateSpecification: {
          LaunchTemplateId: { Ref: "LaunchTemplate" },
          Version: { "Fn::GetAtt": ["LaunchTemplate", "LatestVersionNumber"] },
        },
        Overrides: p.instanceTypes.map((t) => ({ InstanceType: t })),
      },
      InstancesDistribution: instancesDistribution,
    },
    Tags: tags.map((t) => ({ ...t, PropagateAtLaunch: true })),
  };
  if (spotShare < 100) group.CapacityRebalance = true;

  const resources: Record<string, CfnResource> = {
    LeaseTopic: {
      Type: "AWS::SNS::Topic",
      Metadata: checkovMetadata([SKIP_TOPIC_KMS]),
      Properties: {
        TopicName: `${name}-lease`,
        // The inline subscription is native CloudFormation that moto models as well; deleting the
        // topic deletes it.
        Subscription: [{ Protocol: "lambda", Endpoint: p.leaseFunctionArn }],
        Tags: tags,
      },
    },
    LeaseInvokePermission: {
      Type: "AWS::Lambda::Permission",
      Properties: {
        Action: "lambda:InvokeFunction",
        FunctionName: p.leaseFunctionArn,
        Principal: "sns.amazonaws.com",
        SourceArn: { Ref: "LeaseTopic" },
      },
    },
    LeaseAlarm: {
      Type: "AWS::CloudWatch::Alarm",
      // The permission exists before the alarm can fire into the topic.
      DependsOn: "LeaseInvokePermission",
      Properties: {
        AlarmName: leaseAlarmName(p.annexName),
        AlarmDescription: `Lease of HTCondor annex ${p.annexName}: no heartbeat for ${p.leaseMinutes} min deletes the annex`,
        Namespace: METRIC_NAMESPACE,
        MetricName: METRIC_NAME,
        Dimensions: [{ Name: METRIC_DIMENSION, Value: p.annexName }],
        Statistic: "Maximum",
        Period: period,
        EvaluationPeriods: leaseEvaluationPeriods(p.leaseMinutes, period),
        Threshold: 1,
        ComparisonOperator: "LessThanThreshold",
        TreatMissingData: "breaching",
        ActionsEnabled: true,
        AlarmActions: [{ Ref: "LeaseTopic" }],
      },
    },
    SecurityGroup: { Type: "AWS::EC2::SecurityGroup", Properties: securityGroupProps },
    InstanceRole: {
      Type: "AWS::IAM::Role",
      Properties: {
        Path: ANNEX_IAM_PATH,
        Description: `HTCondor annex ${p.annexName}: read its pool token, leave its group when idle`,
        AssumeRolePolicyDocument: trustPolicy("ec2.amazonaws.com"),
        PermissionsBoundary: { "Fn::Sub": INSTANCE_BOUNDARY_POLICY_ARN },
        Policies: [
          { PolicyName: "annex-instance", PolicyDocument: instanceRolePolicy(p.annexName, p.tokenBucket) },
        ],
        Tags: tags,
      },
    },
    InstanceProfile: {
      Type: "AWS::IAM::InstanceProfile",
      Properties: { Path: ANNEX_IAM_PATH, Roles: [{ Ref: "InstanceRole" }] },
    },
    LaunchTemplate: {
      Type: "AWS::EC2::LaunchTemplate",
      Properties: {
        LaunchTemplateName: name,
        LaunchTemplateData: {
          ImageId: imageId,
          IamInstanceProfile: { Arn: { "Fn::GetAtt": ["InstanceProfile", "Arn"] } },
          SecurityGroupIds: [{ "Fn::GetAtt": ["SecurityGroup", "GroupId"] }],
          InstanceInitiatedShutdownBehavior: "terminate",
          MetadataOptions: {
            HttpEndpoint: "enabled",
            HttpTokens: "required",
            HttpPutResponseHopLimit: 1,
            HttpProtocolIpv6: "disabled",
            InstanceMetadataTags: "disabled",
          },
          TagSpecifications: ["instance", "volume", "network-interface", "spot-instances-request"].map(
            (ResourceType) => ({ ResourceType, Tags: tags }),
          ),
          UserData: { "Fn::Base64": userData },
        },
        TagSpecifications: [{ ResourceType: "launch-template", Tags: tags }],
      },
    },
    AutoScalingGroup: { Type: "AWS::AutoScaling::AutoScalingGroup", Properties: group },
  };

  const outputs: Record<string, CfnOutput> = {
    [ANNEX_OUTPUTS.autoScalingGroupName]: { Value: { Ref: "AutoScalingGroup" } },
    [ANNEX_OUTPUTS.leaseAlarmName]: { Value: { Ref: "LeaseAlarm" } },
    [ANNEX_OUTPUTS.leaseTopicArn]: { Value: { Ref: "LeaseTopic" } },
    [ANNEX_OUTPUTS.launchTemplateId]: { Value: { Ref: "LaunchTemplate" } },
    [ANNEX_OUTPUTS.securityGroupId]: { Value: { "Fn::GetAtt": ["SecurityGroup", "GroupId"] } },
    [ANNEX_OUTPUTS.instanceRoleArn]: { Value: { "Fn::GetAtt": ["InstanceRole", "Arn"] } },
    [ANNEX_OUTPUTS.instanceProfileArn]: { Value: { "Fn::GetAtt": ["InstanceProfile", "Arn"] } },
  };

  return {
    AWSTemplateFormatVersion: "2010-09-09",
    Description: `HTCondor annex ${p.annexName} (condor-annex): leased capacity that deletes itself when heartbeats stop`,
    Metadata: {
      "condor-annex": {
        annexName: p.annexName,
        leaseSeconds: Math.round(p.leaseMinutes * 60),
        leasePeriodSeconds: period,
      },
    },
    Parameters: parameters,
    Resources: resources,
    Outputs: outputs,
  };
}
