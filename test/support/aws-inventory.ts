/**
 * Everything an annex can leave behind in an account, read straight from the AWS target (not
 * through any proxy and not through condor-annex's own code): stacks, AutoScaling groups, launch
 * templates, running instances, security groups, IAM roles and instance profiles, alarms, SNS
 * topics and subscriptions, and token objects. Take a snapshot after setup, run the scenario,
 * take another: `orphans(before, after)` lists what the scenario left behind, by kind.
 */
import { AutoScalingClient, DescribeAutoScalingGroupsCommand } from "@aws-sdk/client-auto-scaling";
import { CloudFormationClient, paginateListStacks } from "@aws-sdk/client-cloudformation";
import { CloudWatchClient, DescribeAlarmsCommand } from "@aws-sdk/client-cloudwatch";
import {
  DescribeInstancesCommand,
  DescribeLaunchTemplatesCommand,
  DescribeSecurityGroupsCommand,
  EC2Client,
} from "@aws-sdk/client-ec2";
import { IAMClient, ListInstanceProfilesCommand, ListRolesCommand } from "@aws-sdk/client-iam";
import { ListObjectsV2Command, S3Client } from "@aws-sdk/client-s3";
import { ListSubscriptionsCommand, ListTopicsCommand, SNSClient } from "@aws-sdk/client-sns";
import { AwsJson1_0Protocol } from "@aws-sdk/core/protocols";
import { clientConfig } from "./aws-clients.js";
import type { AwsTarget } from "./emulator.js";

/** Resource identifiers by kind. */
export interface Inventory {
  /** Live (not DELETE_COMPLETE) stacks: `name status`. */
  readonly stacks: string[];
  readonly autoScalingGroups: string[];
  readonly launchTemplates: string[];
  /** Instances not terminated: `id state`. */
  readonly instances: string[];
  readonly securityGroups: string[];
  readonly roles: string[];
  readonly instanceProfiles: string[];
  readonly alarms: string[];
  readonly topics: string[];
  readonly subscriptions: string[];
  /** Objects under `tokens/` in the token bucket. */
  readonly tokenObjects: string[];
}

/** Every stack id ever created per stack name (DELETE_COMPLETE included): duplicates show here. */
export type StackHistory = Map<string, string[]>;

/** Reads an account's resources directly from the target. */
export class AwsInventory {
  readonly #cfn: CloudFormationClient;
  readonly #asg: AutoScalingClient;
  readonly #ec2: EC2Client;
  readonly #iam: IAMClient;
  readonly #cw: CloudWatchClient;
  readonly #sns: SNSClient;
  readonly #s3: S3Client;

  constructor(target: AwsTarget) {
    const config = clientConfig(target);
    this.#cfn = new CloudFormationClient(config);
    this.#asg = new AutoScalingClient(config);
    this.#ec2 = new EC2Client(config);
    this.#iam = new IAMClient(config);
    this.#cw = new CloudWatchClient({ ...config, protocol: AwsJson1_0Protocol });
    this.#sns = new SNSClient(config);
    this.#s3 = new S3Client({ ...config, forcePathStyle: target.kind !== "real-aws" });
  }

  /** Every stack summary, deleted ones included. */
  async #stackSummaries(): Promise<{ name: string; id: string; status: string }[]> {
    const out: { name: string; id: string; status: string }[] = [];
    for await (const page of paginateListStacks({ client: this.#cfn }, {})) {
      for (const s of page.StackSummaries ?? []) {
        out.push({ name: s.StackName ?? "", id: s.StackId ?? "", status: s.StackStatus ?? "" });
      }
    }
    return out;
  }

  /** Stack ids per name over the account's history. */
  async stackHistory(): Promise<StackHistory> {
    const history: StackHistory = new Map();
    for (const s of await this.#stackSummaries()) {
      const ids = history.get(s.name) ?? [];
      if (!ids.includes(s.id)) ids.push(s.id);
      history.set(s.name, ids);
    }
    return history;
  }

  /** A snapshot of every kind; `bucket` is the token bucket (undefined: no token check). */
  async snapshot(bucket: string | undefined): Promise<Inventory> {
    const [stacks, groups, templates, reservations, groupsSg, roles, profiles, alarms, topics, subs, tokens] =
      await Promise.all([
        this.#stackSummaries(),
        this.#asg.send(new DescribeAutoScalingGroupsCommand({})),
        this.#ec2.send(new DescribeLaunchTemplatesCommand({})),
        this.#ec2.send(new DescribeInstancesCommand({})),
        this.#ec2.send(new DescribeSecurityGroupsCommand({})),
        this.#iam.send(new ListRolesCommand({ MaxItems: 1000 })),
        this.#iam.send(new ListInstanceProfilesCommand({ MaxItems: 1000 })),
        this.#cw.send(new DescribeAlarmsCommand({ MaxRecords: 100 })),
        this.#sns.send(new ListTopicsCommand({})),
        this.#sns.send(new ListSubscriptionsCommand({})),
        bucket === undefined
          ? Promise.resolve(undefined)
          : this.#s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: "tokens/" })),
      ]);
    const instances = (reservations.Reservations ?? [])
      .flatMap((r) => r.Instances ?? [])
      .filter((i) => i.State?.Name !== "terminated")
      .map((i) => `${i.InstanceId ?? "?"} ${i.State?.Name ?? "?"}`);
    return {
      stacks: stacks.filter((s) => s.status !== "DELETE_COMPLETE").map((s) => `${s.name} ${s.status}`),
      autoScalingGroups: (groups.AutoScalingGroups ?? []).map((g) => g.AutoScalingGroupName ?? "?"),
      launchTemplates: (templates.LaunchTemplates ?? []).map((t) => t.LaunchTemplateName ?? "?"),
      instances,
      securityGroups: (groupsSg.SecurityGroups ?? []).map((g) => `${g.GroupId ?? "?"} ${g.GroupName ?? "?"}`),
      roles: (roles.Roles ?? []).map((r) => r.Arn ?? "?"),
      instanceProfiles: (profiles.InstanceProfiles ?? []).map((p) => p.Arn ?? "?"),
      alarms: (alarms.MetricAlarms ?? []).map((a) => a.AlarmName ?? "?"),
      topics: (topics.Topics ?? []).map((t) => t.TopicArn ?? "?"),
      subscriptions: (subs.Subscriptions ?? []).map((s) => s.SubscriptionArn ?? "?"),
      tokenObjects: (tokens?.Contents ?? []).map((o) => o.Key ?? "?"),
    };
  }

  destroy(): void {
    for (const client of [this.#cfn, this.#asg, this.#ec2, this.#iam, this.#cw, this.#sns, this.#s3]) {
      client.destroy();
    }
  }
}

/** What `after` holds that `before` did not, by kind (kinds with nothing new are left out). */
export function orphans(before: Inventory, after: Inventory): Partial<Record<keyof Inventory, string[]>> {
  const out: Partial<Record<keyof Inventory, string[]>> = {};
  for (const kind of Object.keys(after) as (keyof Inventory)[]) {
    const old = new Set(before[kind]);
    const extra = after[kind].filter((item) => !old.has(item));
    if (extra.length > 0) out[kind] = extra;
  }
  return out;
}

/** Total number of resources across kinds. */
export function countResources(inventory: Partial<Record<keyof Inventory, string[]>>): number {
  return Object.values(inventory).reduce((sum, items) => sum + (items?.length ?? 0), 0);
}
