import type { HandlerExecutionContext, MiddlewareStack } from "@smithy/types";
import { CALL_COUNTER_MIDDLEWARE } from "./constants.js";

/**
 * Counts AWS API calls by `Service.Operation`: `calls` are SDK `send`s, `attempts` are HTTP
 * requests actually made (one more per retry). Used to measure the API budget, e.g. how many
 * `PutMetricData` calls one heartbeat round costs.
 */
export class ApiCallCounter {
  readonly #calls = new Map<string, number>();
  readonly #attempts = new Map<string, number>();

  /** Records one call (`kind: "call"`) or one HTTP attempt (`kind: "attempt"`). */
  record(operation: string, kind: "call" | "attempt"): void {
    const map = kind === "call" ? this.#calls : this.#attempts;
    map.set(operation, (map.get(operation) ?? 0) + 1);
  }

  /** Calls made to one operation (`CloudWatch.PutMetricData`), or to all when omitted. */
  calls(operation?: string): number {
    return count(this.#calls, operation);
  }

  /** HTTP attempts made to one operation, or to all when omitted (≥ calls when retries happen). */
  attempts(operation?: string): number {
    return count(this.#attempts, operation);
  }

  /** Calls per operation, sorted by operation name. */
  snapshot(): Record<string, number> {
    return Object.fromEntries([...this.#calls.entries()].sort(([a], [b]) => a.localeCompare(b)));
  }

  reset(): void {
    this.#calls.clear();
    this.#attempts.clear();
  }
}

function count(map: ReadonlyMap<string, number>, operation: string | undefined): number {
  if (operation !== undefined) return map.get(operation) ?? 0;
  let total = 0;
  for (const n of map.values()) total += n;
  return total;
}

/** `CloudWatchClient` + `PutMetricDataCommand` → `CloudWatch.PutMetricData`. */
export function operationName(context: HandlerExecutionContext): string {
  const service = (context.clientName ?? "Unknown").replace(/Client$/, "");
  const command = (context.commandName ?? "Unknown").replace(/Command$/, "");
  return `${service}.${command}`;
}

/**
 * Adds the counting middleware to a client's stack: once at `initialize` (one per `send`) and
 * once late in `finalizeRequest` (after the retry middleware, so once per attempt).
 */
export function addCallCounter<Input extends object, Output extends object>(
  stack: MiddlewareStack<Input, Output>,
  counter: ApiCallCounter,
): void {
  stack.add(
    (next, context) => async (args) => {
      counter.record(operationName(context), "call");
      return next(args);
    },
    { step: "initialize", name: CALL_COUNTER_MIDDLEWARE, override: true },
  );
  stack.add(
    (next, context) => async (args) => {
      counter.record(operationName(context), "attempt");
      return next(args);
    },
    { step: "finalizeRequest", priority: "low", name: `${CALL_COUNTER_MIDDLEWARE}Attempts`, override: true },
  );
}
