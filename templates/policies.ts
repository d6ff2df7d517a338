/**
 * IAM policy documents of both stacks, and the list of every wildcard they contain with the
 * reason AWS requires it. Tests check that no other wildcard appears (test/templates).
 */
import {
  ANNEX_IAM_PATH,
  ANNEX_STACK_PREFIX,
  LEASE_FUNCTION_NAME,
  TAG_ANNEX_NAME,
  TOKEN_KEY_ROOT,
  tokenKeyPrefix,
} from "./constants.js";
import type { Json } from "./types.js";

/** Partition-, region- and account-relative ARN prefix inside `Fn::Sub`. */
const P = `arn:\${AWS::Partition}`;
const RA = `\${AWS::Region}:\${AWS::AccountId}`;

/** Name of the managed policy that bounds every annex instance role (per region; IAM is global). */
export const INSTANCE_BOUNDARY_POLICY_NAME = `htcondor-annex-instance-boundary-\${AWS::Region}`;
/** `Fn::Sub` string of that policy's ARN; the annex stack sets it as the instance role's boundary. */
export const INSTANCE_BOUNDARY_POLICY_ARN = `${P}:iam::\${AWS::AccountId}:policy${ANNEX_IAM_PATH}${INSTANCE_BOUNDARY_POLICY_NAME}`;
/** `Fn::Sub` string of the lease function's ARN (known by name, which avoids a dependency cycle). */
export const LEASE_FUNCTION_ARN_SUB = `${P}:lambda:${RA}:function:${LEASE_FUNCTION_NAME}`;

/** One place a wildcard appears in a policy, and why it cannot be narrower. */
export interface WildcardJustification {
  /** Logical id of the role or policy resource. */
  readonly policy: string;
  /** Statement Sid. */
  readonly sid: string;
  /** The resource pattern as written (an `Fn::Sub` string or `*`). */
  readonly resource: string;
  readonly reason: string;
}

const sub = (s: string): Json => ({ "Fn::Sub": s });

function statement(sid: string, actions: string[], resources: Json[], condition?: Json): Json {
  const s: { [k: string]: Json } = { Sid: sid, Effect: "Allow", Action: actions, Resource: resources };
  if (condition !== undefined) s.Condition = condition;
  return s;
}

function document(statements: Json[]): Json {
  return { Version: "2012-10-17", Statement: statements };
}

/** Trust policy letting one AWS service assume a role. */
export function trustPolicy(service: string): Json {
  return document([{ Effect: "Allow", Principal: { Service: service }, Action: "sts:AssumeRole" }]);
}

/** ARN pattern (Fn::Sub) of an annex's AutoScaling group; the `*` is the group's generated UUID. */
function asgArn(groupName: string): string {
  return `${P}:autoscaling:${RA}:autoScalingGroup:*:autoScalingGroupName/${groupName}`;
}

// ---------------------------------------------------------------------------------------------
// Annex stack: the instance role.

/** The instance role's only policy: read its own token; leave its own group when idle. */
export function instanceRolePolicy(annexName: string, tokenBucket: string): Json {
  return document([
    statement(
      "ReadOwnToken",
      ["s3:GetObject"],
      [sub(`${P}:s3:::${tokenBucket}/${tokenKeyPrefix(annexName)}*`)],
    ),
    statement(
      "LeaveOwnGroupWhenIdle",
      ["autoscaling:TerminateInstanceInAutoScalingGroup"],
      [sub(asgArn(`${ANNEX_STACK_PREFIX}${annexName}`))],
      { StringEquals: { [`autoscaling:ResourceTag/${TAG_ANNEX_NAME}`]: annexName } },
    ),
  ]);
}

/**
 * The permissions boundary of every annex instance role: even a role the service role creates
 * with a wider inline policy can do no more than this.
 */
export function instanceBoundaryPolicy(): Json {
  return document([
    statement("ReadTokens", ["s3:GetObject"], [sub(`${P}:s3:::*/${TOKEN_KEY_ROOT}*`)]),
    statement(
      "LeaveAnnexGroups",
      ["autoscaling:TerminateInstanceInAutoScalingGroup"],
      [sub(asgArn(`${ANNEX_STACK_PREFIX}*`))],
    ),
  ]);
}

// ---------------------------------------------------------------------------------------------
// Setup stack: the lease Lambda's role and the CloudFormation service role.

/** The lease Lambda: confirm leases, delete annex stacks (through the service role) and tokens. */
export function leaseFunctionPolicy(): Json {
  return document([
    statement("ListAndDescribeStacks", ["cloudformation:DescribeStacks", "cloudformation:ListStacks"], ["*"]),
    statement(
      "DeleteAnnexStacks",
      ["cloudformation:DeleteStack"],
      [sub(`${P}:cloudformation:${RA}:stack/${ANNEX_STACK_PREFIX}*/*`)],
    ),
    statement(
      "PassServiceRoleToCloudFormation",
      ["iam:PassRole"],
      [{ "Fn::GetAtt": ["ServiceRole", "Arn"] }],
      {
        StringEquals: { "iam:PassedToService": "cloudformation.amazonaws.com" },
      },
    ),
    statement("ReadAlarmsAndMetrics", ["cloudwatch:DescribeAlarms", "cloudwatch:GetMetricStatistics"], ["*"]),
    statement(
      "ResetLeaseAlarms",
      ["cloudwatch:SetAlarmState"],
      [sub(`${P}:cloudwatch:${RA}:alarm:${ANNEX_STACK_PREFIX}*`)],
    ),
    statement("ListTokens", ["s3:ListBucket"], [sub(`${P}:s3:::\${TokenBucket}`)], {
      StringLike: { "s3:prefix": [`${TOKEN_KEY_ROOT}*`] },
    }),
    statement("DeleteTokens", ["s3:DeleteObject"], [sub(`${P}:s3:::\${TokenBucket}/${TOKEN_KEY_ROOT}*`)]),
    statement(
      "WriteOwnLogs",
      ["logs:CreateLogStream", "logs:PutLogEvents"],
      [sub(`${P}:logs:${RA}:log-group:/aws/lambda/${LEASE_FUNCTION_NAME}:*`)],
    ),
  ]);
}

const ANNEX_TAG_PRESENT = { Null: { [`aws:ResourceTag/${TAG_ANNEX_NAME}`]: "false" } };

/**
 * The CloudFormation service role annex stacks are created and deleted with: exactly the
 * resource types of the annex stack, scoped by name prefix, IAM path or annex tag where AWS can.
 */
export function serviceRolePolicy(): Json {
  const role = `${P}:iam::\${AWS::AccountId}:role${ANNEX_IAM_PATH}*`;
  const profile = `${P}:iam::\${AWS::AccountId}:instance-profile${ANNEX_IAM_PATH}*`;
  return document([
    statement(
      "DescribeEverything",
      [
        "ec2:DescribeImages",
        "ec2:DescribeInstances",
        "ec2:DescribeLaunchTemplates",
        "ec2:DescribeLaunchTemplateVersions",
        "ec2:DescribeSecurityGroups",
        "ec2:DescribeSubnets",
        "ec2:DescribeVpcs",
        "ec2:DescribeAvailabilityZones",
        "ec2:DescribeInstanceTypes",
        "ec2:DescribeInstanceTypeOfferings",
        "ec2:DescribeAccountAttributes",
        "autoscaling:DescribeAutoScalingGroups",
        "autoscaling:DescribeScalingActivities",
        "autoscaling:DescribeAutoScalingInstances",
      ],
      ["*"],
    ),
    statement(
      "CreateNetworkAndLaunchTemplates",
      ["ec2:CreateSecurityGroup", "ec2:CreateLaunchTemplate", "ec2:CreateTags", "ec2:RunInstances"],
      ["*"],
    ),
    statement(
      "ChangeAnnexNetworkAndLaunchTemplates",
      [
        "ec2:DeleteSecurityGroup",
        "ec2:AuthorizeSecurityGroupIngress",
        "ec2:RevokeSecurityGroupIngress",
        "ec2:AuthorizeSecurityGroupEgress",
        "ec2:RevokeSecurityGroupEgress",
        "ec2:CreateLaunchTemplateVersion",
        "ec2:ModifyLaunchTemplate",
        "ec2:DeleteLaunchTemplate",
        "ec2:DeleteTags",
      ],
      ["*"],
      ANNEX_TAG_PRESENT,
    ),
    statement(
      "ManageAnnexGroups",
      [
        "autoscaling:CreateAutoScalingGroup",
        "autoscaling:UpdateAutoScalingGroup",
        "autoscaling:DeleteAutoScalingGroup",
        "autoscaling:CreateOrUpdateTags",
        "autoscaling:DeleteTags",
      ],
      [sub(asgArn(`${ANNEX_STACK_PREFIX}*`))],
    ),
    statement(
      "ManageAnnexInstanceRoles",
      [
        "iam:CreateRole",
        "iam:PutRolePolicy",
        "iam:AttachRolePolicy",
        "iam:DetachRolePolicy",
        "iam:DeleteRolePolicy",
        "iam:DeleteRole",
        "iam:GetRole",
        "iam:GetRolePolicy",
        "iam:ListRolePolicies",
        "iam:ListAttachedRolePolicies",
        "iam:TagRole",
        "iam:UntagRole",
      ],
      [sub(role)],
      { StringEquals: { "iam:PermissionsBoundary": sub(INSTANCE_BOUNDARY_POLICY_ARN) } },
    ),
    statement(
      "ManageAnnexInstanceProfiles",
      [
        "iam:CreateInstanceProfile",
        "iam:DeleteInstanceProfile",
        "iam:GetInstanceProfile",
        "iam:AddRoleToInstanceProfile",
        "iam:RemoveRoleFromInstanceProfile",
        "iam:TagInstanceProfile",
      ],
      [sub(profile)],
    ),
    statement("PassAnnexInstanceRolesToEc2", ["iam:PassRole"], [sub(role)], {
      StringEquals: { "iam:PassedToService": "ec2.amazonaws.com" },
    }),
    statement(
      "CreateServiceLinkedRolesOnFirstUse",
      ["iam:CreateServiceLinkedRole"],
      [sub(`${P}:iam::\${AWS::AccountId}:role/aws-service-role/*`)],
      { StringEquals: { "iam:AWSServiceName": ["autoscaling.amazonaws.com", "spot.amazonaws.com"] } },
    ),
    statement(
      "ManageLeaseTopics",
      [
        "sns:CreateTopic",
        "sns:DeleteTopic",
        "sns:GetTopicAttributes",
        "sns:SetTopicAttributes",
        "sns:Subscribe",
        "sns:Unsubscribe",
        "sns:ListSubscriptionsByTopic",
        "sns:TagResource",
        "sns:UntagResource",
      ],
      [sub(`${P}:sns:${RA}:${ANNEX_STACK_PREFIX}*`)],
    ),
    statement(
      "ManageLeaseAlarms",
      [
        "cloudwatch:PutMetricAlarm",
        "cloudwatch:DeleteAlarms",
        "cloudwatch:DescribeAlarms",
        "cloudwatch:TagResource",
        "cloudwatch:UntagResource",
      ],
      [sub(`${P}:cloudwatch:${RA}:alarm:${ANNEX_STACK_PREFIX}*`)],
    ),
    statement(
      "LetLeaseTopicsInvokeTheLeaseFunction",
      ["lambda:AddPermission", "lambda:RemovePermission", "lambda:GetFunction"],
      [sub(LEASE_FUNCTION_ARN_SUB)],
    ),
    statement(
      "ResolveImageParameters",
      ["ssm:GetParameters", "ssm:GetParameter"],
      [sub(`${P}:ssm:\${AWS::Region}:*:parameter/*`)],
    ),
  ]);
}

/** Every wildcard in the policies above and why AWS leaves no narrower choice. */
export const WILDCARD_JUSTIFICATIONS: readonly WildcardJustification[] = [
  {
    policy: "InstanceRole",
    sid: "ReadOwnToken",
    resource: `${P}:s3:::<bucket>/tokens/<annex>/*`,
    reason: "the objects under the annex's own token prefix; the prefix is the scope",
  },
  {
    policy: "InstanceRole",
    sid: "LeaveOwnGroupWhenIdle",
    resource: asgArn("HTCondorAnnex-<annex>"),
    reason: "the `*` is the group's UUID, unknown before creation; the name and the annex tag pin the group",
  },
  {
    policy: "InstanceBoundaryPolicy",
    sid: "ReadTokens",
    resource: `${P}:s3:::*/tokens/*`,
    reason: "an upper bound for all annex roles; each role's own policy narrows it to one prefix",
  },
  {
    policy: "InstanceBoundaryPolicy",
    sid: "LeaveAnnexGroups",
    resource: asgArn("HTCondorAnnex-*"),
    reason: "an upper bound for all annex roles (group UUID and annex name vary)",
  },
  {
    policy: "LeaseFunctionRole",
    sid: "ListAndDescribeStacks",
    resource: "*",
    reason: "ListStacks and DescribeStacks without a stack name (the sweeper) support no resource ARN",
  },
  {
    policy: "LeaseFunctionRole",
    sid: "DeleteAnnexStacks",
    resource: `${P}:cloudformation:<region>:<account>:stack/HTCondorAnnex-*/*`,
    reason: "any annex stack (names vary; the trailing `*` is the stack id)",
  },
  {
    policy: "LeaseFunctionRole",
    sid: "ReadAlarmsAndMetrics",
    resource: "*",
    reason: "GetMetricStatistics has no resource type; DescribeAlarms by prefix lists alarms",
  },
  {
    policy: "LeaseFunctionRole",
    sid: "ResetLeaseAlarms",
    resource: `${P}:cloudwatch:<region>:<account>:alarm:HTCondorAnnex-*`,
    reason: "the lease alarms of all annexes",
  },
  {
    policy: "LeaseFunctionRole",
    sid: "DeleteTokens",
    resource: `${P}:s3:::<bucket>/tokens/*`,
    reason: "tokens of all annexes (the sweeper removes those of annexes that are gone)",
  },
  {
    policy: "LeaseFunctionRole",
    sid: "WriteOwnLogs",
    resource: `${P}:logs:<region>:<account>:log-group:/aws/lambda/htcondor-annex-lease:*`,
    reason: "the log streams of its own log group (stream names are generated)",
  },
  {
    policy: "ServiceRole",
    sid: "DescribeEverything",
    resource: "*",
    reason: "EC2 and AutoScaling Describe* actions support no resource-level permissions",
  },
  {
    policy: "ServiceRole",
    sid: "CreateNetworkAndLaunchTemplates",
    resource: "*",
    reason:
      "creating a security group or launch template, and the RunInstances check AutoScaling makes on a launch template, involve resources with no ARN before they exist",
  },
  {
    policy: "ServiceRole",
    sid: "ChangeAnnexNetworkAndLaunchTemplates",
    resource: "*",
    reason: "ids are generated; the condition requires the htcondor:annex-name tag on the resource",
  },
  {
    policy: "ServiceRole",
    sid: "ManageAnnexGroups",
    resource: asgArn("HTCondorAnnex-*"),
    reason: "any annex group (group UUID and annex name vary)",
  },
  {
    policy: "ServiceRole",
    sid: "ManageAnnexInstanceRoles",
    resource: `${P}:iam::<account>:role/htcondor-annex/*`,
    reason: "roles under the annex IAM path only, and only with the instance permissions boundary",
  },
  {
    policy: "ServiceRole",
    sid: "ManageAnnexInstanceProfiles",
    resource: `${P}:iam::<account>:instance-profile/htcondor-annex/*`,
    reason: "instance profiles under the annex IAM path only",
  },
  {
    policy: "ServiceRole",
    sid: "PassAnnexInstanceRolesToEc2",
    resource: `${P}:iam::<account>:role/htcondor-annex/*`,
    reason: "annex instance roles, to EC2 only",
  },
  {
    policy: "ServiceRole",
    sid: "CreateServiceLinkedRolesOnFirstUse",
    resource: `${P}:iam::<account>:role/aws-service-role/*`,
    reason:
      "AutoScaling and Spot create their service-linked roles on first use; the condition names the two services",
  },
  {
    policy: "ServiceRole",
    sid: "ManageLeaseTopics",
    resource: `${P}:sns:<region>:<account>:HTCondorAnnex-*`,
    reason: "lease topics (and their subscriptions, whose ARNs extend the topic's) of all annexes",
  },
  {
    policy: "ServiceRole",
    sid: "ManageLeaseAlarms",
    resource: `${P}:cloudwatch:<region>:<account>:alarm:HTCondorAnnex-*`,
    reason: "lease alarms of all annexes",
  },
  {
    policy: "ServiceRole",
    sid: "ResolveImageParameters",
    resource: `${P}:ssm:<region>:*:parameter/*`,
    reason:
      "the image's SSM parameter is chosen per request, and AWS's public parameters (/aws/service/…) live outside the account",
  },
];
