import { type AnnexContext, cloudIn, nowOf } from "./context.js";
import { type CreateOptions, createAnnex } from "./create.js";
import { type DeleteResult, deleteAnnex } from "./delete.js";
import { type ExtendResult, extendAnnex } from "./extend.js";
import { sendHeartbeats } from "./heartbeat.js";
import { listAnnexes } from "./list.js";
import { type ResizeResult, resizeAnnex } from "./resize.js";
import { readSetupOutputs, type SetupOptions, setupAnnexAccount } from "./setup.js";
import { annexStatus } from "./status.js";
import type {
  AnnexRecord,
  AnnexRequest,
  AnnexStatus,
  CreateResult,
  HeartbeatRoundResult,
  LeaseHeartbeat,
  SetupOutputs,
  SetupResult,
} from "./types.js";

/**
 * The annex operations bound to one context: what the GAHP wiring calls. Holds no state of its
 * own besides in-flight deduplication — everything durable is in AWS, so a new instance (a
 * restarted helper) works on the same annexes. Operations on the same annex name in the same
 * region are serialised here, so a create racing a delete in one helper cannot interleave; two
 * identical concurrent creates share one CreateStack.
 */
export class AnnexOperations {
  readonly context: AnnexContext;
  readonly #inFlight = new Map<string, Promise<unknown>>();

  constructor(context: AnnexContext) {
    this.context = context;
  }

  #region(region: string | undefined): string {
    return region ?? this.context.cloud.defaultRegion;
  }

  /** Runs `work` after any earlier operation on the same annex, in order. */
  #serialised<T>(region: string, name: string, work: () => Promise<T>): Promise<T> {
    const key = `${region}/${name}`;
    const previous = this.#inFlight.get(key) ?? Promise.resolve();
    const next = previous.then(work, work);
    const settled = next.then(
      () => undefined,
      () => undefined,
    );
    this.#inFlight.set(key, settled);
    void settled.then(() => {
      if (this.#inFlight.get(key) === settled) this.#inFlight.delete(key);
    });
    return next;
  }

  setup(options: SetupOptions = {}): Promise<SetupResult> {
    return setupAnnexAccount(this.context, options);
  }

  /** The setup stack's outputs, changing nothing; E_NOT_SET_UP when setup has not run. */
  setupOutputs(region?: string): Promise<SetupOutputs> {
    return readSetupOutputs(cloudIn(this.context, region));
  }

  create(request: AnnexRequest, options: CreateOptions = {}): Promise<CreateResult> {
    return this.#serialised(request.region, request.name, () => createAnnex(this.context, request, options));
  }

  resize(name: string, count: number, region?: string): Promise<ResizeResult> {
    return this.#serialised(this.#region(region), name, () => resizeAnnex(this.context, name, count, region));
  }

  extend(
    name: string,
    hours: number,
    options: { region?: string; wait?: boolean } = {},
  ): Promise<ExtendResult> {
    return this.#serialised(this.#region(options.region), name, () =>
      extendAnnex(this.context, name, hours, options),
    );
  }

  delete(name: string, options: { region?: string; wait?: boolean } = {}): Promise<DeleteResult> {
    return this.#serialised(this.#region(options.region), name, () =>
      deleteAnnex(this.context, name, options),
    );
  }

  status(options: { name?: string; region?: string } = {}): Promise<AnnexStatus[]> {
    return annexStatus(this.context, options);
  }

  list(options: { region?: string; allPools?: boolean } = {}): Promise<AnnexRecord[]> {
    return listAnnexes(this.context, options);
  }

  /** One heartbeat round: ⌈N/1000⌉ PutMetricData calls for N annexes. */
  async heartbeat(heartbeats: readonly LeaseHeartbeat[], region?: string): Promise<HeartbeatRoundResult> {
    return sendHeartbeats(cloudIn(this.context, region), heartbeats, nowOf(this.context));
  }
}
