import { execFile } from "node:child_process";
import { readFile, stat } from "node:fs/promises";
import type { RegionCloud } from "./cloud.js";
import { KNOBS, tokenKeyPrefix, tokenObjectKey } from "./constants.js";
import type { KnobReader } from "./defaults.js";
import { ANNEX_ERROR_CODES, AnnexError } from "./errors.js";
import { redact, Secret } from "./redact.js";

/**
 * Pool tokens for annex instances: obtained from a file (`ANNEX_TOKEN_FILE`) or a command
 * (`ANNEX_TOKEN_COMMAND`), uploaded to `tokens/<annex>/pool.token` in the setup stack's bucket
 * with server-side encryption, deleted with the annex. A token is a {@link Secret} from the
 * moment it is read: it is never logged, and error messages are redacted.
 */

/** Where tokens come from: mutually exclusive forms. */
export type TokenSource =
  | { readonly kind: "file"; readonly path: string; readonly command?: never }
  | { readonly kind: "command"; readonly command: string; readonly path?: never };

/** The token source configured by ANNEX_TOKEN_FILE or ANNEX_TOKEN_COMMAND (the file wins). */
export async function tokenSourceFromKnobs(knobs: KnobReader): Promise<TokenSource | undefined> {
  const file = (await knobs.get(KNOBS.tokenFile))?.trim();
  if (file !== undefined && file !== "") return { kind: "file", path: file };
  const command = (await knobs.get(KNOBS.tokenCommand))?.trim();
  if (command !== undefined && command !== "") return { kind: "command", command };
  return undefined;
}

/** What a token is for: the command sees these as ANNEX_NAME and ANNEX_TOKEN_LIFETIME. */
export interface TokenPurpose {
  readonly annexName: string;
  /** Seconds the token must stay valid: the annex's remaining life plus a margin. */
  readonly lifetimeSeconds: number;
}

const COMMAND_TIMEOUT_MS = 60_000;

/**
 * Reads the token. A file must be readable by its owner only (mode 0600 or stricter). A command
 * runs through `/bin/sh -c` with `ANNEX_NAME` and `ANNEX_TOKEN_LIFETIME` (seconds) in its
 * environment, e.g. `condor_token_fetch -lifetime $ANNEX_TOKEN_LIFETIME -authz ADVERTISE_STARTD
 * -authz ADVERTISE_MASTER -authz READ`; its stdout, trimmed, is the token.
 */
export async function obtainPoolToken(source: TokenSource, purpose: TokenPurpose): Promise<Secret> {
  const context = { annex: purpose.annexName, operation: "token" };
  if (source.kind === "file") {
    let mode: number;
    let text: string;
    try {
      mode = (await stat(source.path)).mode;
      text = await readFile(source.path, "utf8");
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new AnnexError(
        ANNEX_ERROR_CODES.token,
        `cannot read the pool token file ${source.path} (ANNEX_TOKEN_FILE): ${reason}`,
        context,
      );
    }
    if ((mode & 0o077) !== 0) {
      throw new AnnexError(
        ANNEX_ERROR_CODES.token,
        `the pool token file ${source.path} (ANNEX_TOKEN_FILE) is readable by others (mode ${(mode & 0o777).toString(8)}); make it private: chmod 600 ${source.path}`,
        context,
      );
    }
    return nonEmptyToken(text, `the pool token file ${source.path} (ANNEX_TOKEN_FILE) is empty`, context);
  }
  const seconds = String(Math.max(60, Math.ceil(purpose.lifetimeSeconds)));
  const { stdout, stderr, failure } = await new Promise<{ stdout: string; stderr: string; failure?: string }>(
    (resolve) => {
      execFile(
        "/bin/sh",
        ["-c", source.command],
        {
          timeout: COMMAND_TIMEOUT_MS,
          maxBuffer: 1024 * 1024,
          env: { ...process.env, ANNEX_NAME: purpose.annexName, ANNEX_TOKEN_LIFETIME: seconds },
        },
        (error, out, err) => {
          resolve({
            stdout: String(out),
            stderr: String(err),
            ...(error === null
              ? {}
              : { failure: error.killed ? "timed out" : `exit status ${error.code ?? "?"}` }),
          });
        },
      );
    },
  );
  if (failure !== undefined) {
    // The command's stderr may echo the token: redact it, and whatever it printed on stdout.
    const detail = redact(stderr.trim().slice(0, 500), [stdout]);
    throw new AnnexError(
      ANNEX_ERROR_CODES.token,
      `the pool token command (ANNEX_TOKEN_COMMAND) failed (${failure})${detail === "" ? "" : `: ${detail}`}`,
      context,
    );
  }
  return nonEmptyToken(stdout, "the pool token command (ANNEX_TOKEN_COMMAND) printed nothing", context);
}

function nonEmptyToken(text: string, message: string, context: { annex: string; operation: string }): Secret {
  const token = text.trim();
  if (token === "") throw new AnnexError(ANNEX_ERROR_CODES.token, message, context);
  return new Secret(token);
}

/** Puts the token at `tokens/<annex>/pool.token`, encrypted at rest (SSE-S3). Returns the key. */
export async function uploadPoolToken(
  cloud: RegionCloud,
  bucket: string,
  annexName: string,
  token: Secret,
): Promise<string> {
  const key = tokenObjectKey(annexName);
  await cloud.putObject(
    { bucket, key, body: token.reveal(), contentType: "text/plain" },
    { annex: annexName },
  );
  return key;
}

/** Deletes every object under `tokens/<annex>/` (paginated); returns the keys deleted. */
export async function deleteAnnexTokens(
  cloud: RegionCloud,
  bucket: string,
  annexName: string,
): Promise<string[]> {
  const keys = await cloud.listObjectKeys(bucket, tokenKeyPrefix(annexName), { annex: annexName });
  for (const key of keys) await cloud.deleteObject(bucket, key, { annex: annexName });
  return keys;
}
