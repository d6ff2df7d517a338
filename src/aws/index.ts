/**
 * The AWS layer: the only code that touches the SDK. `src/annex` gets clients from
 * {@link AwsClients} and makes every call through {@link awsCall}, which translates failures
 * into {@link AwsError}s.
 */
export { AwsAnnexCloud } from "./annex-cloud.js";
export { ApiCallCounter, addCallCounter, operationName } from "./call-counter.js";
export { AwsClients, type ResolvedAwsConfig, resolveAwsConfig } from "./clients.js";
export { AWS_DEFAULTS, AWS_ENV } from "./constants.js";
export {
  AWS_ERROR_CODES,
  AwsError,
  type AwsErrorCode,
  awsCall,
  isAwsError,
  translateAwsError,
} from "./errors.js";
export type { AwsCallContext, AwsClientOptions, StaticCredentials } from "./types.js";
