/**
 * Ramp-up damping, after GlideinWMS's `ramp_up_attenuation`: each round closes only a fraction
 * of the gap between what is running and what the queue asks for, so one burst of short jobs
 * does not buy a fleet, while a sustained queue still gets all it needs within a few rounds.
 */
export interface RampPolicy {
  /** The gap is divided by this each round (1 = no damping). */
  readonly attenuation: number;
  /** At least this many instances are added per round while there is a gap. */
  readonly minStep: number;
}

export const DEFAULT_RAMP_POLICY: RampPolicy = { attenuation: 3, minStep: 1 };

/**
 * The desired capacity for the next round.
 *
 * Only ever grows: scale-down is done by the instances themselves (idle shutdown, which
 * decrements the group) and by the lease, never by one queue reading, so an inconsistent or
 * empty snapshot cannot remove capacity whose jobs just started.
 *
 * @param current the group's desired capacity now
 * @param target instances the matching jobs need (from packing)
 * @param maxInstances the request's cap
 */
export function nextDesiredCapacity(
  current: number,
  target: number,
  maxInstances: number,
  policy: RampPolicy = DEFAULT_RAMP_POLICY,
): number {
  const capped = Math.min(target, maxInstances);
  if (capped <= current) return current;
  const gap = capped - current;
  const step = Math.max(policy.minStep, Math.ceil(gap / Math.max(1, policy.attenuation)));
  return Math.min(capped, current + step);
}
