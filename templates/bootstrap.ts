/**
 * Renders the instance bootstrap (templates/bootstrap.sh) with an annex's parameters, and the
 * HTCondor configuration it writes on the instance.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** What the bootstrap of one annex needs. */
export interface BootstrapParams {
  readonly annexName: string;
  readonly tokenBucket: string;
  readonly tokenKey: string;
  readonly collectorHost: string;
  /** Seconds unclaimed before the startd (and then the machine) shuts down. */
  readonly idleSeconds: number;
  /** Only these users' jobs may start, when given. */
  readonly allowedJobOwners?: readonly string[];
  readonly extraCondorConfig?: string;
}

const BEGIN = "# >>> parameters (replaced when rendered)";
const END = "# <<< parameters";

/**
 * Path of bootstrap.sh. The renderer runs from templates/ (sources, tests), from dist/templates/
 * (the compiled build, which does not copy .sh files) or from a bundle elsewhere in the checkout,
 * so look next to this module, then for `templates/bootstrap.sh` in each directory above it.
 */
export function bootstrapScriptPath(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [join(here, "bootstrap.sh")];
  for (let dir = here; ; dir = dirname(dir)) {
    candidates.push(join(dir, "templates", "bootstrap.sh"));
    if (dirname(dir) === dir) break;
  }
  const found = candidates.find((c) => existsSync(c));
  if (found === undefined) throw new Error(`templates/bootstrap.sh not found near ${here}`);
  return found;
}

let scriptCache: string | undefined;
function bootstrapSource(): string {
  scriptCache ??= readFileSync(bootstrapScriptPath(), "utf8");
  return scriptCache;
}

/** Quotes a value for a POSIX shell: single quotes, with each `'` as `'\''`. */
export function shellQuote(value: string): string {
  return `'${value.replaceAll("'", "'\\''")}'`;
}

/**
 * The START expression: only this annex's jobs (nested AnnexRequest, or HTCondor's TargetAnnexName).
 * The request's Name is read with a subscript: a selection (`AnnexRequest.Name`) on a request
 * without Name would fall back to the job's, or the slot's, own `Name` attribute.
 */
export function startExpression(annexName: string, allowedJobOwners?: readonly string[]): string {
  const name = JSON.stringify(annexName);
  const annexJobs = `(TARGET.AnnexRequest["Name"] =?= ${name} || TARGET.TargetAnnexName =?= ${name})`;
  if (allowedJobOwners === undefined || allowedJobOwners.length === 0) return annexJobs;
  return `${annexJobs} && stringListMember(TARGET.Owner, ${JSON.stringify(allowedJobOwners.join(","))})`;
}

/** The HTCondor configuration the bootstrap writes (without the per-instance lines it appends). */
export function renderCondorConfig(p: BootstrapParams): string {
  const lines = [
    `# condor-annex: execute node of annex ${p.annexName}. Written at boot; do not edit.`,
    "use ROLE : Execute",
    `CONDOR_HOST = ${p.collectorHost}`,
    "COLLECTOR_HOST = $(CONDOR_HOST)",
    "# No inbound connections: the pool reaches this machine through CCB at the collector.",
    "CCB_ADDRESS = $(COLLECTOR_HOST)",
    "USE_SHARED_PORT = True",
    "# Authenticate with the pool token in /etc/condor/tokens.d (root-only); encrypt everything.",
    "SEC_DEFAULT_AUTHENTICATION_METHODS = IDTOKENS, FS",
    "SEC_CLIENT_AUTHENTICATION_METHODS = IDTOKENS, FS",
    "SEC_DEFAULT_ENCRYPTION = REQUIRED",
    "SEC_DEFAULT_INTEGRITY = REQUIRED",
    "# Identity, for matchmaking and condor_status -annex.",
    `AnnexName = ${JSON.stringify(p.annexName)}`,
    "IsAnnex = True",
    "STARTD_ATTRS = $(STARTD_ATTRS) AnnexName IsAnnex EC2InstanceID",
    "MASTER_ATTRS = $(MASTER_ATTRS) AnnexName IsAnnex EC2InstanceID",
    "# Only jobs that asked for this annex.",
    `START = ${startExpression(p.annexName, p.allowedJobOwners)}`,
    "# Idle shutdown: the startd exits after this long unclaimed, then the master, whose shutdown",
    "# script leaves the AutoScaling group and lowers its desired capacity.",
    `STARTD_NOCLAIM_SHUTDOWN = ${p.idleSeconds}`,
    "MASTER.DAEMON_SHUTDOWN_FAST = (STARTD_StartTime == 0) && ((CurrentTime - DaemonStartTime) > 60)",
    "# The startd checks STARTD_NOCLAIM_SHUTDOWN when it updates the collector (every 5 minutes by",
    "# default): every minute, so an idle instance stops costing money within a minute of its idle time.",
    "STARTD.UPDATE_INTERVAL = 60",
  ];
  const extra = p.extraCondorConfig?.trim();
  if (extra !== undefined && extra.length > 0) lines.push("# Extra configuration from the request.", extra);
  return lines.join("\n");
}

/** The bootstrap script with its parameter block filled in; ready to be EC2 user data. */
export function renderBootstrap(p: BootstrapParams): string {
  const source = bootstrapSource();
  const begin = source.indexOf(BEGIN);
  const end = source.indexOf(END);
  if (begin < 0 || end < begin) throw new Error("templates/bootstrap.sh lost its parameter markers");
  const assignments = [
    "# parameters rendered by condor-annex",
    `ANNEX_NAME=${shellQuote(p.annexName)}`,
    `TOKEN_BUCKET=${shellQuote(p.tokenBucket)}`,
    `TOKEN_KEY=${shellQuote(p.tokenKey)}`,
    "# HTCondor's $(MACRO) references in the configuration are meant literally.",
    "# shellcheck disable=SC2016",
    `CONDOR_CONFIG=${shellQuote(renderCondorConfig(p))}`,
  ].join("\n");
  return source.slice(0, begin) + assignments + source.slice(end + END.length);
}
