/**
 * The annex domain: AnnexRequest validation, naming, the stack operations (setup, create,
 * resize, status, extend, delete, list), lease heartbeats and pool tokens. Talks to AWS only
 * through src/aws. Results are plain typed objects; the GAHP wiring turns them into ClassAds.
 */

export {
  canonicalRequest,
  clientRequestToken,
  requestDigest,
  requestFromTags,
  requestTags,
} from "./canonical.js";
export { annexRequestFromClassAd, annexRequestFromText } from "./classad-request.js";
export * from "./constants.js";
export { type AnnexContext, DEFAULT_POLLING, type StackPolling } from "./context.js";
export { annexStackParams, annexTags, type CreateOptions, createAnnex } from "./create.js";
export { environmentKnobs, type KnobReader, loadAnnexDefaults, poolIdFromKnobs } from "./defaults.js";
export { type DeleteResult, deleteAnnex } from "./delete.js";
export {
  ANNEX_ERROR_CODES,
  AnnexError,
  type AnnexErrorCode,
  type AnnexErrorContext,
  errorCodeOf,
  InvalidRequestError,
  OtherPoolError,
} from "./errors.js";
export { type ExtendResult, extendAnnex } from "./extend.js";
export { batches, sendHeartbeats } from "./heartbeat.js";
export { listAnnexes } from "./list.js";
export {
  ANNEX_NAME_FORM,
  annexNameOfStack,
  annexStackName,
  isAnnexName,
  suggestAnnexName,
} from "./naming.js";
export { AnnexOperations } from "./operations.js";
export { assertOurs, isOurs, ownedAnnex } from "./ownership.js";
export { deadlineTagValue, recordFromStack } from "./record.js";
export { redact, Secret } from "./redact.js";
export {
  imageRefText,
  parseAnnexRequest,
  parseImageRef,
  REQUEST_ATTRIBUTES,
  type RequestAttribute,
  type RequestInput,
  validateAnnexRequest,
} from "./request.js";
export { groupNameOf, type ResizeResult, resizeAnnex } from "./resize.js";
export { readSetupOutputs, type SetupOptions, setupAnnexAccount } from "./setup.js";
export { annexStatus } from "./status.js";
export { type Placement, resolvePlacement } from "./subnets.js";
export {
  deleteAnnexTokens,
  obtainPoolToken,
  type TokenPurpose,
  type TokenSource,
  tokenSourceFromKnobs,
  uploadPoolToken,
} from "./tokens.js";
export type * from "./types.js";
