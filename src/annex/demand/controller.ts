import type { LeasePeriodSeconds } from "../../../templates/index.js";
import type { ClassAd } from "../../classad/classad.js";
import { Evaluator } from "../../classad/evaluate.js";
import { annexRequestFromClassAd } from "../classad-request.js";
import { errorCodeOf } from "../errors.js";
import type { AnnexOperations } from "../operations.js";
import type { AnnexDefaults, AnnexStatus, LeaseHeartbeat, RequestValidation } from "../types.js";
import { recentScalingActivities, typesFailedForCapacity } from "./capacity-failures.js";
import {
  type AnnexDemand,
  annexDemand,
  type ExistingAnnex,
  type GroupedJobs,
  groupJobsByAnnex,
  type RequestResolver,
  type ShapeVerdict,
  type SnapshotJob,
} from "./compute.js";
import { DEFAULT_RAMP_POLICY, type RampPolicy } from "./damping.js";
import { HeartbeatLoop, type IntervalTimer } from "./heartbeat-loop.js";
import { INSTANCE_TYPE_CACHE_MS, InstanceTypeCatalog } from "./instance-types.js";
import { OfferingBlocklist } from "./offering-blocklist.js";

/**
 * The helper's demand loop (ANNEX_JOBS): each queue snapshot is turned into demand
 * (compute.ts), then into actions — create an annex that is wanted and missing, grow one that is
 * too small — and into lease heartbeats. Between snapshots a timer re-sends the latest
 * heartbeats while that snapshot is fresh; when snapshots stop (the watcher or the AP died) the
 * heartbeats stop too and the lease deletes the annexes.
 *
 *   snapshot ─▶ state (stacks + groups, cached) ─▶ instance data (cached 1 h) ─▶ capacity failures
 *            ─▶ demand per annex ─▶ create / resize ─▶ heartbeats now ─▶ timer: every P while fresh
 *
 * State held here is only a cache of AWS (and the blocklist): a restarted helper rebuilds it.
 */

/** Longest stretch of demand computation between two turns of the event loop. */
const DEMAND_SLICE_MS = 10;

/** Tunables, from knobs (see docs/annex-commands.md). */
export interface DemandSettings {
  /** A snapshot older than this no longer heartbeats. */
  readonly snapshotMaxAgeMs: number;
  /** Period of the heartbeat timer (also capped at half the shortest lease). */
  readonly heartbeatIntervalMs: number;
  readonly ramp: RampPolicy;
  /** How long a type stays blocked after an insufficient-capacity failure. */
  readonly offeringBlockMs: number;
  readonly instanceTypeCacheMs: number;
  /** How long the annex list and group sizes are reused between snapshots. */
  readonly stateCacheMs: number;
  /** Minimum time between two scaling-activity checks of one annex. */
  readonly capacityCheckMs: number;
  /** Lease alarm period of the annexes demand creates. */
  readonly leasePeriodSeconds?: LeasePeriodSeconds;
}

export const DEFAULT_DEMAND_SETTINGS: DemandSettings = {
  snapshotMaxAgeMs: 300_000,
  heartbeatIntervalMs: 60_000,
  ramp: DEFAULT_RAMP_POLICY,
  offeringBlockMs: 300_000,
  instanceTypeCacheMs: INSTANCE_TYPE_CACHE_MS,
  stateCacheMs: 60_000,
  capacityCheckMs: 60_000,
};

/** One queue snapshot. */
export interface SnapshotRequest {
  /** Jobs, or shapes of identical jobs with their counts. */
  readonly jobs: readonly (ClassAd | SnapshotJob)[];
  /** The access point's `$CondorVersion$`, which annex instances are assumed to advertise. */
  readonly condorVersion?: string;
  /** Seconds since the epoch when the queue was read. */
  readonly snapshotTime: number;
  /** Compute and report only: no create, resize or heartbeat. */
  readonly dryRun: boolean;
}

/** What happened to one annex. */
export interface AnnexOutcome extends Omit<AnnexDemand, "action"> {
  readonly action: AnnexDemand["action"] | "conflict" | "error";
  readonly actionError: string | undefined;
  readonly actionErrorCode: string | undefined;
  readonly heartbeatSent: boolean;
}

/** The result of one snapshot. */
export interface SnapshotResult {
  readonly snapshotTime: number;
  readonly fresh: boolean;
  readonly dryRun: boolean;
  readonly jobCount: number;
  readonly ignoredJobs: number;
  readonly heartbeatCalls: number;
  readonly annexes: readonly AnnexOutcome[];
  /** What became of each snapshot entry that names an annex (for the jobs themselves). */
  readonly verdicts: readonly ShapeVerdict[];
  /** Problems that did not stop the snapshot (instance data unavailable…). */
  readonly warnings: readonly string[];
}

interface KnownAnnex extends ExistingAnnex {
  readonly groupName: string | undefined;
  readonly groupTypes: readonly string[];
  readonly instances: number;
  readonly leaseMinutes: number | undefined;
}

interface RegionState {
  readonly at: number;
  readonly annexes: Map<string, KnownAnnex>;
}

function knownFromStatus(status: AnnexStatus): KnownAnnex {
  return {
    name: status.record.name,
    region: status.record.region,
    stackStatus: status.record.stackStatus,
    request: status.record.request,
    desiredCapacity: status.group?.desiredCapacity,
    groupName: status.group?.groupName,
    groupTypes: status.group?.instanceTypes ?? status.record.request?.instanceTypes ?? [],
    instances: status.group?.instances.length ?? 0,
    leaseMinutes: status.record.request?.leaseMinutes,
  };
}

/** Options of {@link DemandController}. */
export interface DemandControllerOptions {
  readonly ops: AnnexOperations;
  readonly defaults: AnnexDefaults;
  readonly settings?: DemandSettings;
  readonly log?: (message: string) => void;
  /** Milliseconds since the epoch (tests move it). */
  readonly now?: () => number;
  /** The heartbeat timer (default `setInterval`). */
  readonly timer?: IntervalTimer;
}

/** The stateful demand loop of one helper. */
export class DemandController {
  readonly #ops: AnnexOperations;
  readonly #defaults: AnnexDefaults;
  readonly #settings: DemandSettings;
  readonly #log: (message: string) => void;
  readonly #now: () => number;
  readonly #catalog: InstanceTypeCatalog;
  readonly #blocklist: OfferingBlocklist;
  readonly #states = new Map<string, RegionState>();
  readonly #lastCapacityCheck = new Map<string, number>();
  readonly #latest = new Map<string, AnnexOutcome>();
  readonly #creating = new Set<string>();
  /** Request validations by request text (the defaults are fixed for the helper's life). */
  readonly #validations = new Map<string, RequestValidation>();
  readonly #heartbeats: HeartbeatLoop;
  #queue: Promise<unknown> = Promise.resolve();

  constructor(options: DemandControllerOptions) {
    this.#ops = options.ops;
    this.#defaults = options.defaults;
    this.#settings = options.settings ?? DEFAULT_DEMAND_SETTINGS;
    this.#log = options.log ?? (() => {});
    this.#now = options.now ?? Date.now;
    this.#catalog = new InstanceTypeCatalog(
      options.ops.context.cloud,
      this.#settings.instanceTypeCacheMs,
      this.#now,
    );
    this.#blocklist = new OfferingBlocklist(this.#settings.offeringBlockMs, this.#now);
    this.#heartbeats = new HeartbeatLoop({
      send: (heartbeats, region) => this.#ops.heartbeat(heartbeats, region),
      snapshotMaxAgeMs: this.#settings.snapshotMaxAgeMs,
      intervalMs: this.#settings.heartbeatIntervalMs,
      now: this.#now,
      log: this.#log,
      ...(options.timer === undefined ? {} : { timer: options.timer }),
    });
  }

  /** The latest outcome for an annex (for ANNEX_STATUS), if a snapshot named it. */
  latest(name: string): AnnexOutcome | undefined {
    return this.#latest.get(name);
  }

  /** Whether the heartbeat timer is running. */
  get heartbeating(): boolean {
    return this.#heartbeats.running;
  }

  /** Stops the heartbeat timer (shutdown). */
  close(): void {
    this.#heartbeats.stop();
  }

  /** Processes a snapshot; snapshots are processed one at a time, in arrival order. */
  snapshot(request: SnapshotRequest): Promise<SnapshotResult> {
    const run = this.#queue.then(
      () => this.#process(request),
      () => this.#process(request),
    );
    this.#queue = run.catch(() => undefined);
    return run;
  }

  #resolver(): RequestResolver {
    return (ad) => annexRequestFromClassAd(ad, this.#defaults);
  }

  async #regionState(region: string, force: boolean): Promise<RegionState> {
    const cached = this.#states.get(region);
    if (!force && cached !== undefined && this.#now() - cached.at < this.#settings.stateCacheMs)
      return cached;
    const statuses = await this.#ops.status({ region });
    const state: RegionState = {
      at: this.#now(),
      annexes: new Map(statuses.map((status) => [status.record.name, knownFromStatus(status)])),
    };
    this.#states.set(region, state);
    return state;
  }

  async #existing(regions: Iterable<string>, force: boolean): Promise<Map<string, KnownAnnex>> {
    const merged = new Map<string, KnownAnnex>();
    for (const region of new Set(regions)) {
      for (const [name, annex] of (await this.#regionState(region, force)).annexes) merged.set(name, annex);
    }
    return merged;
  }

  /** Groups with the annexes of every region the requests name (usually just the default). */
  async #group(
    request: SnapshotRequest,
    evaluator: Evaluator,
    force: boolean,
  ): Promise<{ grouped: GroupedJobs; existing: Map<string, KnownAnnex> }> {
    if (this.#validations.size > 10_000) this.#validations.clear();
    const regions = new Set([this.#defaults.region]);
    let existing = await this.#existing(regions, force);
    let grouped = groupJobsByAnnex(request.jobs, this.#resolver(), existing, evaluator, this.#validations);
    const named = new Set(
      [...grouped.groups.values()].flatMap((group) => (group.reference ? [group.reference.region] : [])),
    );
    if ([...named].some((region) => !regions.has(region))) {
      existing = await this.#existing([...regions, ...named], force);
      grouped = groupJobsByAnnex(request.jobs, this.#resolver(), existing, evaluator, this.#validations);
    }
    return { grouped, existing };
  }

  async #loadInstanceTypes(grouped: GroupedJobs, warnings: string[]): Promise<void> {
    const byRegion = new Map<string, Set<string>>();
    for (const group of grouped.groups.values()) {
      if (group.reference === undefined) continue;
      const set = byRegion.get(group.reference.region) ?? new Set<string>();
      for (const type of group.reference.instanceTypes) set.add(type);
      byRegion.set(group.reference.region, set);
    }
    await Promise.all(
      [...byRegion].map(async ([region, types]) => {
        try {
          await this.#catalog.load(region, types);
        } catch (error) {
          const message = `instance data for ${[...types].join(", ")} in ${region} is unavailable: ${errorMessage(error)}`;
          warnings.push(message);
          this.#log(`demand: ${message}`);
        }
      }),
    );
  }

  /** Blocks types whose launches failed for lack of capacity (groups short of their size). */
  async #checkCapacity(grouped: GroupedJobs, existing: Map<string, KnownAnnex>): Promise<void> {
    const since = new Date(this.#now() - this.#settings.offeringBlockMs);
    await Promise.all(
      [...grouped.groups.keys()].map(async (name) => {
        const annex = existing.get(name);
        if (annex?.groupName === undefined || annex.desiredCapacity === undefined) return;
        if (annex.instances >= annex.desiredCapacity) return;
        const key = `${annex.region}/${name}`;
        const last = this.#lastCapacityCheck.get(key);
        if (last !== undefined && this.#now() - last < this.#settings.capacityCheckMs) return;
        this.#lastCapacityCheck.set(key, this.#now());
        try {
          const activities = await recentScalingActivities(
            this.#ops.context.cloud,
            annex.region,
            annex.groupName,
            name,
          );
          for (const type of typesFailedForCapacity(activities, annex.groupTypes, since)) {
            if (!this.#blocklist.isBlocked(`${annex.region}/${type}`)) {
              this.#log(
                `demand: ${type} in ${annex.region} failed for lack of capacity (annex ${name}); blocked`,
              );
            }
            this.#blocklist.block(`${annex.region}/${type}`);
          }
        } catch (error) {
          this.#log(
            `demand: cannot read the scaling activities of ${annex.groupName}: ${errorMessage(error)}`,
          );
        }
      }),
    );
  }

  /**
   * Each annex's demand. Matchmaking is CPU work (a snapshot of thousands of jobs takes a few
   * hundred milliseconds): it is done in slices with a turn of the event loop between them, so
   * the helper keeps answering protocol lines at once while it computes.
   */
  async #demands(
    grouped: GroupedJobs,
    existing: Map<string, KnownAnnex>,
    evaluator: Evaluator,
    condorVersion: string | undefined,
  ): Promise<AnnexDemand[]> {
    const inputs = {
      instanceType: (region: string, type: string) => this.#catalog.get(region, type),
      isBlocked: (region: string, type: string) => this.#blocklist.isBlocked(`${region}/${type}`),
      ramp: this.#settings.ramp,
      ...(condorVersion === undefined ? {} : { condorVersion }),
    };
    const groups = [...grouped.groups.values()].sort((a, b) =>
      a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
    );
    const demands: AnnexDemand[] = [];
    let sliceStart = performance.now();
    for (const group of groups) {
      demands.push(annexDemand(group, existing.get(group.name), inputs, evaluator));
      if (performance.now() - sliceStart > DEMAND_SLICE_MS) {
        await new Promise((resolve) => setImmediate(resolve));
        sliceStart = performance.now();
      }
    }
    return demands;
  }

  async #process(request: SnapshotRequest): Promise<SnapshotResult> {
    const nowSeconds = this.#now() / 1000;
    // A snapshot stamped in the future is taken as read now: it must not stay fresh for longer.
    const snapshotTime = Math.min(request.snapshotTime, Math.floor(nowSeconds));
    const fresh = nowSeconds - snapshotTime <= this.#settings.snapshotMaxAgeMs / 1000;
    const warnings: string[] = [];
    const evaluator = new Evaluator();

    let { grouped, existing } = await this.#group(request, evaluator, false);
    await this.#loadInstanceTypes(grouped, warnings);
    await this.#checkCapacity(grouped, existing);
    let demands = await this.#demands(grouped, existing, evaluator, request.condorVersion);
    if (!request.dryRun && demands.some((demand) => demand.action === "create")) {
      // Creating on a stale view could adopt an annex made meanwhile and resize it *down* to the
      // count asked for: look again before creating.
      const stateAge = this.#now() - Math.min(...[...this.#states.values()].map((state) => state.at));
      if (stateAge > 0) {
        ({ grouped, existing } = await this.#group(request, evaluator, true));
        demands = await this.#demands(grouped, existing, evaluator, request.condorVersion);
      }
    }

    const outcomes = request.dryRun
      ? demands.map((demand) => outcome(demand, demand.action, undefined, undefined, false))
      : await Promise.all(demands.map((demand) => this.#act(demand)));

    let heartbeatCalls = 0;
    let final = outcomes;
    if (!request.dryRun) {
      if (fresh) {
        const beats = outcomes.filter(
          (o) => o.heartbeat > 0 && o.region !== undefined && (o.exists || o.action === "create"),
        );
        const byRegion = new Map<string, LeaseHeartbeat[]>();
        for (const o of beats) {
          const list = byRegion.get(o.region ?? this.#defaults.region) ?? [];
          list.push({ annexName: o.name, value: o.heartbeat });
          byRegion.set(o.region ?? this.#defaults.region, list);
        }
        const sent = new Set<string>();
        for (const [region, list] of byRegion) {
          try {
            heartbeatCalls += (await this.#ops.heartbeat(list, region)).putMetricDataCalls;
            for (const beat of list) sent.add(beat.annexName);
          } catch (error) {
            warnings.push(`heartbeats in ${region} failed: ${errorMessage(error)}`);
            this.#log(`demand: heartbeats in ${region} failed: ${errorMessage(error)}`);
          }
        }
        final = outcomes.map((o) => (sent.has(o.name) ? { ...o, heartbeatSent: true } : o));
        const leases = beats.map(
          (o) => existing.get(o.name)?.leaseMinutes ?? o.request?.leaseMinutes ?? this.#defaults.leaseMinutes,
        );
        this.#heartbeats.follow(snapshotTime, byRegion, leases);
      } else {
        this.#log(
          `demand: snapshot from ${new Date(snapshotTime * 1000).toISOString()} is older than ${this.#settings.snapshotMaxAgeMs / 1000} s; no heartbeats`,
        );
        this.#heartbeats.stop();
      }
    }
    for (const o of final) {
      this.#latest.set(o.name, o);
      if (o.conflict !== undefined) this.#log(`demand: ${o.conflict}`);
    }
    this.#log(
      `demand: snapshot of ${grouped.jobCount} jobs (${fresh ? "fresh" : "stale"}${request.dryRun ? ", dry run" : ""}): ${
        final
          .map((o) => `${o.name} heartbeat=${o.heartbeat} desired=${o.desiredCapacity} action=${o.action}`)
          .join("; ") || "no annex requested"
      }`,
    );
    return {
      snapshotTime,
      fresh,
      dryRun: request.dryRun,
      jobCount: grouped.jobCount,
      ignoredJobs: grouped.ignoredJobs,
      heartbeatCalls,
      annexes: final,
      verdicts: [...grouped.verdicts, ...demands.flatMap((demand) => demand.verdicts)].sort(
        (a, b) => a.index - b.index,
      ),
      warnings,
    };
  }

  /** Carries out one annex's action and records it in the state cache. */
  async #act(demand: AnnexDemand): Promise<AnnexOutcome> {
    const region = demand.region ?? this.#defaults.region;
    const state = this.#states.get(region);
    try {
      if (demand.action === "create" && demand.request !== undefined) {
        if (this.#creating.has(`${region}/${demand.name}`))
          return outcome(demand, "wait", undefined, undefined, false);
        this.#creating.add(`${region}/${demand.name}`);
        try {
          const created = await this.#ops.create(
            { ...demand.request, count: demand.desiredCapacity },
            {
              wait: false,
              ...(this.#settings.leasePeriodSeconds === undefined
                ? {}
                : { leasePeriodSeconds: this.#settings.leasePeriodSeconds }),
            },
          );
          this.#log(
            `demand: ${created.outcome === "created" ? "created" : "adopted"} annex ${demand.name} with ${demand.desiredCapacity} instance(s) for ${demand.heartbeat} job(s)`,
          );
          state?.annexes.set(demand.name, {
            name: demand.name,
            region,
            stackStatus: created.stackStatus,
            request: demand.request,
            desiredCapacity: created.desiredCapacity ?? demand.desiredCapacity,
            groupName: undefined,
            groupTypes: demand.request.instanceTypes,
            instances: 0,
            leaseMinutes: demand.request.leaseMinutes,
          });
        } finally {
          this.#creating.delete(`${region}/${demand.name}`);
        }
      } else if (demand.action === "resize") {
        await this.#ops.resize(demand.name, demand.desiredCapacity, region);
        this.#log(
          `demand: resized annex ${demand.name} from ${demand.currentCapacity} to ${demand.desiredCapacity}`,
        );
        const known = state?.annexes.get(demand.name);
        if (known !== undefined)
          state?.annexes.set(demand.name, { ...known, desiredCapacity: demand.desiredCapacity });
      }
      return outcome(demand, demand.action, undefined, undefined, false);
    } catch (error) {
      const code = errorCodeOf(error);
      this.#log(`demand: ${demand.action} of annex ${demand.name} failed: ${code} ${errorMessage(error)}`);
      return outcome(
        demand,
        code === "E_OTHER_POOL" ? "conflict" : "error",
        errorMessage(error),
        code,
        false,
      );
    }
  }
}

function outcome(
  demand: AnnexDemand,
  action: AnnexOutcome["action"],
  actionError: string | undefined,
  actionErrorCode: string | undefined,
  heartbeatSent: boolean,
): AnnexOutcome {
  return { ...demand, action, actionError, actionErrorCode, heartbeatSent };
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
