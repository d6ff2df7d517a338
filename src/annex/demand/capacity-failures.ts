import type { AnnexCloud, ScalingActivity } from "../cloud.js";

/**
 * Insufficient-capacity failures of an annex's AutoScaling group, read from its scaling
 * activities, so demand can block the instance type for a while (OfferingBlocklist) and pack
 * the jobs onto the other types. AWS words these failures in several ways:
 *
 * - `We currently do not have sufficient c5.2xlarge capacity in the Availability Zone you requested (us-east-1a). …`
 * - `… InsufficientInstanceCapacity - There is no Spot capacity available that matches your request. …`
 *
 * The first names the type; the second does not, and then a group of one type blames that type.
 */

export type { ScalingActivity } from "../cloud.js";

const CAPACITY_FAILURE =
  /insufficientinstancecapacity|insufficient capacity|do not have sufficient|no spot capacity/i;
const NAMED_TYPE = /sufficient\s+([a-z0-9-]+\.[a-z0-9-]+)\s+capacity/gi;

/**
 * The instance types that failed for lack of capacity in activities started at or after
 * `since`. `groupTypes` are the group's types, to recognise a type named anywhere in the
 * message and to blame the only type when the message names none.
 */
export function typesFailedForCapacity(
  activities: readonly ScalingActivity[],
  groupTypes: readonly string[],
  since: Date,
): string[] {
  const failed = new Set<string>();
  for (const activity of activities) {
    if (activity.statusCode !== "Failed" && activity.statusCode !== "Cancelled") continue;
    if (activity.startTime !== undefined && activity.startTime.getTime() < since.getTime()) continue;
    if (!CAPACITY_FAILURE.test(activity.message)) continue;
    const named = new Set<string>();
    for (const match of activity.message.matchAll(NAMED_TYPE))
      if (match[1]) named.add(match[1].toLowerCase());
    for (const type of groupTypes) if (activity.message.includes(type)) named.add(type);
    if (named.size === 0 && groupTypes.length === 1 && groupTypes[0] !== undefined) named.add(groupTypes[0]);
    for (const type of named) failed.add(type);
  }
  return [...failed].sort();
}

/** The group's latest scaling activities (one DescribeScalingActivities call, newest first). */
export function recentScalingActivities(
  cloud: AnnexCloud,
  region: string,
  groupName: string,
  annex: string,
  maxRecords = 20,
): Promise<ScalingActivity[]> {
  return cloud.inRegion(region).scalingActivities(groupName, maxRecords, annex);
}
