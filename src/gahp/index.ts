/**
 * The GAHP line protocol: framing and escaping, the command table, the server with its result
 * queue, the ClassAd-argument command helper, and the client. Knows nothing of annexes.
 */

export type {
  Checked,
  ClassAdCodec,
  ClassAdCommandSpec,
  ClassAdOutcome,
  RequestAdError,
} from "./classad-command.js";
export { classAdCommand, E_INVALID_REQUEST, formatRequestAdError } from "./classad-command.js";
export type { CallOptions, GahpClientOptions, ReplyLine } from "./client.js";
export { GahpClient } from "./client.js";
export { arityAccepts, CommandTable, describeArity } from "./command-table.js";
export {
  GahpError,
  GahpProtocolError,
  GahpRequestRejectedError,
  GahpServerDiedError,
  GahpTimeoutError,
  GahpUnsupportedCommandError,
} from "./errors.js";
export type { FramedLine } from "./framing.js";
export { escapeArg, isNullArg, joinArgs, LineSplitter, nullableArg, splitArgs } from "./framing.js";
export type { GahpLaunchOptions } from "./launch-options.js";
export {
  DEFAULT_SUBSYSTEM,
  parseDebugFlags,
  parseGahpLaunchArgs,
  subsystemLogName,
  wantsFullDebug,
} from "./launch-options.js";
export { MAX_PING_DELAY_MS, pingCommand } from "./ping-command.js";
export type { CloseReason, GahpServerOptions, ServerState } from "./server.js";
export {
  DEFAULT_DRAIN_TIMEOUT_MS,
  DEFAULT_MAX_LINE_BYTES,
  DEFAULT_MAX_REQUESTS_IN_FLIGHT,
  GahpServer,
  parseRequestId,
} from "./server.js";
export { STANDARD_COMMAND_NAMES } from "./standard-commands.js";
export type { GahpStatisticsSnapshot } from "./statistics.js";
export { GahpStatistics } from "./statistics.js";
export type {
  Arity,
  AsyncCommand,
  AsyncCommandContext,
  Clock,
  CommandContext,
  Field,
  GahpCommand,
  GahpReply,
  ResultField,
  ResultFields,
  SyncCommand,
} from "./types.js";
export { EscapedField, systemClock } from "./types.js";
