import type { EC2Client } from "@aws-sdk/client-ec2";
import { awsCall } from "../aws/index.js";
import { ANNEX_ERROR_CODES, AnnexError } from "./errors.js";

/** Where an annex's instances go: subnets and their VPC (the security group must live there). */
export interface Placement {
  readonly vpcId: string;
  readonly subnets: readonly string[];
}

/**
 * The placement of an annex. Named subnets are checked to exist and to share one VPC. With none
 * named, the default VPC's default subnets are used, one per availability zone, so the group can
 * launch wherever capacity is (DescribeVpcs isDefault, then DescribeSubnets default-for-az).
 */
export async function resolvePlacement(
  ec2: EC2Client,
  requested: readonly string[],
  annex: string,
): Promise<Placement> {
  const { DescribeSubnetsCommand, DescribeVpcsCommand } = await import("@aws-sdk/client-ec2");
  if (requested.length > 0) {
    const out = await awsCall({ operation: "EC2.DescribeSubnets", annex }, () =>
      ec2.send(new DescribeSubnetsCommand({ SubnetIds: [...requested] })),
    );
    const vpcs = new Set((out.Subnets ?? []).map((subnet) => subnet.VpcId));
    const [vpcId] = vpcs;
    if (vpcs.size !== 1 || vpcId === undefined) {
      throw new AnnexError(
        ANNEX_ERROR_CODES.invalidRequest,
        `Subnets: the subnets ${requested.join(", ")} must all be in one VPC (found ${vpcs.size})`,
        { annex },
      );
    }
    return { vpcId, subnets: [...requested] };
  }
  const vpcs = await awsCall({ operation: "EC2.DescribeVpcs", annex }, () =>
    ec2.send(new DescribeVpcsCommand({ Filters: [{ Name: "is-default", Values: ["true"] }] })),
  );
  const vpcId = vpcs.Vpcs?.[0]?.VpcId;
  if (vpcId === undefined) {
    throw new AnnexError(
      ANNEX_ERROR_CODES.noSubnets,
      'this region has no default VPC: name the annex\'s subnets (Subnets = { "subnet-…" }) or ANNEX_DEFAULT_SUBNETS',
      { annex },
    );
  }
  const subnets = await awsCall({ operation: "EC2.DescribeSubnets", annex }, () =>
    ec2.send(
      new DescribeSubnetsCommand({
        Filters: [
          { Name: "vpc-id", Values: [vpcId] },
          { Name: "default-for-az", Values: ["true"] },
        ],
      }),
    ),
  );
  // One subnet per availability zone, sorted by zone so the choice is stable.
  const byZone = new Map<string, string>();
  for (const subnet of subnets.Subnets ?? []) {
    if (subnet.SubnetId === undefined || subnet.AvailabilityZone === undefined) continue;
    if (!byZone.has(subnet.AvailabilityZone)) byZone.set(subnet.AvailabilityZone, subnet.SubnetId);
  }
  const chosen = [...byZone.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([, id]) => id);
  if (chosen.length === 0) {
    throw new AnnexError(
      ANNEX_ERROR_CODES.noSubnets,
      `the default VPC ${vpcId} has no default subnets: name the annex's subnets (Subnets = { "subnet-…" })`,
      { annex },
    );
  }
  return { vpcId, subnets: chosen };
}
