/**
 * Defaults for every AWS client condor-annex builds. The SDK's own retry strategy does the
 * retrying (throttling included); these numbers only configure it.
 */
export const AWS_DEFAULTS = {
  /**
   * Total attempts per call, the first one included. The helper works in the background, so it
   * can wait out sustained throttling: with 10 attempts a call fails only if all ten are
   * throttled or reset (at a 27% fault rate, 2 in a million calls, where 6 attempts failed 4 in
   * ten thousand and lost a lifecycle in the fault-injection test). The standard backoff's cap
   * (20 s) bounds the wait to about a minute.
   */
  maxAttempts: 10,
  /**
   * `adaptive` adds client-side rate limiting on top of `standard`'s exponential backoff with
   * jitter, so a burst of throttled calls (a status sweep over many annexes) slows down instead
   * of spending its attempts.
   */
  retryMode: "adaptive",
  /** The region used when neither the caller nor the environment names one. */
  region: "us-east-1",
} as const;

/** Environment variables the client factory reads (the SDK's own names). */
export const AWS_ENV = {
  endpoint: "AWS_ENDPOINT_URL",
  region: "AWS_REGION",
  defaultRegion: "AWS_DEFAULT_REGION",
} as const;

/** Name of the API-call counting middleware in each client's stack. */
export const CALL_COUNTER_MIDDLEWARE = "annexApiCallCounter";
