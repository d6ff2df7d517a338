import { execFile } from "node:child_process";
import { attributeKey } from "../classad/classad.js";
import { defaultQueueCommand, QUEUE_ATTRIBUTES, type QueueQueryOptions, readQueue } from "./queue-query.js";
import { type JobShape, missingReferences, ShapeCollector } from "./queue-shapes.js";

/**
 * One reading of the queue for the watch: the query run and collapsed into shapes, with the
 * projection completed on the way.
 *
 * The default query asks `condor_q` only for the attributes demand needs. Jobs' expressions may
 * refer to more (condor_submit's `RequestDisk` refers to `TransferInputSizeMB`; a user's
 * Requirements to anything): when the shapes refer to attributes the projection lacks, they are
 * added and the query is run again at once (at most {@link MAX_REQUERIES} times a round; the
 * projection only grows, so later rounds ask for them from the start). A command configured by
 * the admin (`ANNEX_WATCH_QUEUE_COMMAND`) is run as it is.
 */

/** Extra queries in one round to complete the projection. */
export const MAX_REQUERIES = 2;

/** Attributes the projection may grow to (a guard against expressions naming hundreds). */
export const MAX_PROJECTION = 256;

/** What one reading found. */
export interface QueueReading {
  readonly shapes: readonly JobShape[];
  /** Jobs read (the shapes' counts add up to it). */
  readonly jobs: number;
  /** The projection's attributes added in this reading. */
  readonly added: readonly string[];
}

/** Options of {@link QueueReader}. */
export interface QueueReaderOptions extends QueueQueryOptions {
  /** A fixed query command (ANNEX_WATCH_QUEUE_COMMAND); otherwise the default, projected. */
  readonly command?: string;
  /** Runs the query: injected by tests. */
  readonly read?: typeof readQueue;
}

/** Reads the queue into shapes, keeping the projection across rounds. */
export class QueueReader {
  readonly #projection: string[] = [...QUEUE_ATTRIBUTES];
  readonly #known = new Set(QUEUE_ATTRIBUTES.map((name) => attributeKey(name)));
  readonly #options: QueueReaderOptions;

  constructor(options: QueueReaderOptions = {}) {
    this.#options = options;
  }

  /** The command the next reading runs. */
  get command(): string {
    return this.#options.command ?? defaultQueueCommand(this.#projection);
  }

  /** The attributes the default query asks for. */
  get projection(): readonly string[] {
    return this.#projection;
  }

  /** Runs the query (again, while the projection grows) and returns the shapes. */
  async read(): Promise<QueueReading> {
    const run = this.#options.read ?? readQueue;
    const added: string[] = [];
    for (let attempt = 0; ; attempt++) {
      const collector = new ShapeCollector();
      await run(this.command, (ad) => collector.add(ad), this.#options);
      const shapes = collector.shapes();
      if (this.#options.command !== undefined || attempt >= MAX_REQUERIES) {
        return { shapes, jobs: collector.jobs, added };
      }
      const missing = missingReferences(shapes, this.#known).slice(
        0,
        MAX_PROJECTION - this.#projection.length,
      );
      if (missing.length === 0) return { shapes, jobs: collector.jobs, added };
      for (const name of missing) {
        this.#known.add(attributeKey(name));
        this.#projection.push(name);
        added.push(name);
      }
    }
  }
}

/**
 * The access point's `$CondorVersion$` (`condor_version`'s first line), or undefined when it
 * cannot be run. Annex instances are assumed to run the pool's HTCondor.
 */
export function condorVersion(env: NodeJS.ProcessEnv = process.env): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile("condor_version", [], { env, timeout: 10_000 }, (error, stdout) => {
      const line = stdout.split("\n")[0]?.trim() ?? "";
      resolve(error === null && line.startsWith("$CondorVersion:") ? line : undefined);
    });
  });
}
