/**
 * Holding a lock directory (`withDirLock`, test/support/python-env.ts) across vitest hooks: taken
 * in a `beforeAll`, released in the matching `afterAll`.
 */
import { withDirLock } from "./python-env.js";

/** A held lock; `release()` gives it up and resolves once the directory is gone. */
export interface Lease {
  release(): Promise<void>;
}

/**
 * Waits for the lock directory `dir` (at most `timeoutMs`, after which the lock is taken as
 * stale and broken, as `withDirLock` does) and holds it until `release()`. A holder that dies
 * loses the lock by itself.
 */
export async function takeLease(dir: string, timeoutMs?: number): Promise<Lease> {
  let done: (() => void) | undefined;
  let held: Promise<void> | undefined;
  await new Promise<void>((acquired, failed) => {
    held = withDirLock(
      dir,
      async () => {
        acquired();
        await new Promise<void>((released) => {
          done = released;
        });
      },
      timeoutMs,
    );
    held.catch(failed);
  });
  return {
    async release() {
      done?.();
      await held; // the directory is removed before the worker may exit
    },
  };
}
