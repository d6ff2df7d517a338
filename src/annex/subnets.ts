import type { RegionCloud } from "./cloud.js";
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
  cloud: RegionCloud,
  requested: readonly string[],
  annex: string,
): Promise<Placement> {
  if (requested.length > 0) {
    const subnets = await cloud.describeSubnets(requested, annex);
    const vpcs = new Set(subnets.map((subnet) => subnet.vpcId));
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
  const vpcId = await cloud.defaultVpc(annex);
  if (vpcId === undefined) {
    throw new AnnexError(
      ANNEX_ERROR_CODES.noSubnets,
      'this region has no default VPC: name the annex\'s subnets (Subnets = { "subnet-…" }) or ANNEX_DEFAULT_SUBNETS',
      { annex },
    );
  }
  // One subnet per availability zone, sorted by zone so the choice is stable.
  const byZone = new Map<string, string>();
  for (const subnet of await cloud.defaultSubnets(vpcId, annex)) {
    if (subnet.subnetId === undefined || subnet.availabilityZone === undefined) continue;
    if (!byZone.has(subnet.availabilityZone)) byZone.set(subnet.availabilityZone, subnet.subnetId);
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
