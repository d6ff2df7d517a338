/**
 * Translation of HTCondor's classic `condor_annex` command line (single-dash long options such
 * as `-annex-name x -count 4 -duration 2`) into condor-annex's subcommands, so that scripts and
 * habits carry over. The translated argv is then parsed by commander like any other.
 *
 * | classic                                   | condor-annex                              |
 * |-------------------------------------------|-------------------------------------------|
 * | `-setup`, `-check-setup`                  | `setup`, `setup --check`                  |
 * | `-status [-annex-name N] [-classad]`      | `status [--name N] [--classad]`           |
 * | `-annex-name N -count C …`                | `create --name N --count C …`             |
 * | `-annex-name N -slots S …`                | `create --name N --count S --spot …`      |
 * | `-annex-name N -duration H` (no count)    | `extend --name N --duration H`            |
 * | `-delete -annex-name N` (ours)            | `delete --name N`                         |
 *
 * `-duration` is the hard deadline of a new annex (MaxHours) or the hours added by extend;
 * `-idle` the idle shutdown in hours; `-request-id` becomes the `hpc_annex_request_id` tag.
 * Security groups, key names, user data and config directories are refused with the reason
 * (the annex's own security group, bootstrap and configuration replace them).
 */

/** Classic option → our long option, for options that take one value. */
const VALUE_OPTIONS: ReadonlyMap<string, string> = new Map([
  ["-annex-name", "--name"],
  ["-annex", "--name"],
  ["-count", "--count"],
  ["-slots", "--count"],
  ["-duration", "--duration"],
  ["-idle", "--idle"],
  ["-aws-region", "--region"],
  ["-owner", "--owner"],
  ["-aws-on-demand-instance-type", "--instance-type"],
  ["-aws-on-demand-ami-id", "--image"],
  ["-request-id", "--request-id"],
]);

/** Classic flags (no value) → our flags. */
const FLAG_OPTIONS: ReadonlyMap<string, string> = new Map([
  ["-yes", "--yes"],
  ["-no-owner", "--no-owner"],
  ["-classad", "--classad"],
  ["-classads", "--classad"],
]);

/** Classic options that choose the action rather than set a value. */
const ACTIONS = new Set(["-setup", "-check-setup", "-status", "-delete"]);

/** Classic options we know of but do not support, with the reason shown to the user. */
const NO_INGRESS =
  "annex instances get a security group with no ingress (they connect out to the pool) and no SSH key; use Subnets to place them";
const BOOTSTRAP_IS_USER_DATA =
  "the instance bootstrap is the user data (it fetches the pool token and writes the HTCondor configuration); see condor-config/annex-instance";
const UNSUPPORTED: ReadonlyMap<string, string> = new Map([
  ["-aws-on-demand-security-group-ids", NO_INGRESS],
  ["-aws-on-demand-key-name", NO_INGRESS],
  ["-aws-user-data", BOOTSTRAP_IS_USER_DATA],
  ["-aws-user-data-file", BOOTSTRAP_IS_USER_DATA],
  ["-aws-default-user-data", BOOTSTRAP_IS_USER_DATA],
  ["-aws-default-user-data-file", BOOTSTRAP_IS_USER_DATA],
  ["-config-dir", BOOTSTRAP_IS_USER_DATA],
  [
    "-aws-spot-fleet-config-file",
    "Spot Fleet requests are replaced by an AutoScaling group: use -slots or Spot = true",
  ],
  ["-aws-access-key-file", "credentials come from AWS's standard chain (AWS_PROFILE, instance role, …)"],
  ["-aws-secret-key-file", "credentials come from AWS's standard chain (AWS_PROFILE, instance role, …)"],
  ["-aws-public-key-file", "credentials come from AWS's standard chain (AWS_PROFILE, instance role, …)"],
  ["-aws-private-key-file", "credentials come from AWS's standard chain (AWS_PROFILE, instance role, …)"],
]);

/** The result of translating a classic command line. */
export type ClassicTranslation =
  | { readonly ok: true; readonly argv: readonly string[] }
  | { readonly ok: false; readonly message: string };

/** Whether `args` (without node and script) is a classic `condor_annex` command line. */
export function isClassicCommandLine(args: readonly string[]): boolean {
  const first = args[0];
  if (first === undefined || !first.startsWith("-") || first.startsWith("--")) return false;
  return VALUE_OPTIONS.has(first) || FLAG_OPTIONS.has(first) || ACTIONS.has(first) || UNSUPPORTED.has(first);
}

/**
 * Translates a classic command line (without node and script) into condor-annex's argv.
 * Unknown or unsupported options are errors that name the option.
 */
export function translateClassic(args: readonly string[]): ClassicTranslation {
  const options: string[] = [];
  const actions = new Set<string>();
  let hasCount = false;
  let spot = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    const unsupported = UNSUPPORTED.get(arg);
    if (unsupported) return { ok: false, message: `${arg} is not supported: ${unsupported}` };
    if (ACTIONS.has(arg)) {
      actions.add(arg);
      const next = args[i + 1];
      if (arg === "-setup" && next !== undefined && !next.startsWith("-")) {
        return {
          ok: false,
          message: `-setup ${next} …: key files are not supported; credentials come from AWS's standard chain (AWS_PROFILE, instance role, …)`,
        };
      }
      continue;
    }
    const flag = FLAG_OPTIONS.get(arg);
    if (flag) {
      options.push(flag);
      continue;
    }
    if (arg === "-tag") {
      const name = args[i + 1];
      const value = args[i + 2];
      if (name === undefined || value === undefined) {
        return { ok: false, message: "-tag takes two values: -tag <name> <value>" };
      }
      options.push("--tag", `${name}=${value}`);
      i += 2;
      continue;
    }
    const long = VALUE_OPTIONS.get(arg);
    if (!long) return { ok: false, message: `unknown classic condor_annex option ${arg}` };
    const value = args[i + 1];
    if (value === undefined || (value.startsWith("-") && !/^-\d/.test(value))) {
      return { ok: false, message: `${arg} needs a value` };
    }
    if (arg === "-count" || arg === "-slots") hasCount = true;
    if (arg === "-slots") spot = true;
    options.push(long, value);
    i += 1;
  }
  if (actions.size > 1) {
    return { ok: false, message: `choose one of ${[...actions].join(", ")}` };
  }
  const action = [...actions][0];
  if (action === "-setup") return { ok: true, argv: ["setup", ...options] };
  if (action === "-check-setup") return { ok: true, argv: ["setup", "--check", ...options] };
  if (action === "-status") return { ok: true, argv: ["status", ...options] };
  if (action === "-delete") return { ok: true, argv: ["delete", ...options] };
  if (!options.includes("--name")) {
    return { ok: false, message: "-annex-name <name> is required to create or extend an annex" };
  }
  if (hasCount) return { ok: true, argv: ["create", ...options, ...(spot ? ["--spot"] : [])] };
  if (options.includes("--duration")) return { ok: true, argv: ["extend", ...options] };
  return {
    ok: false,
    message: "give -count <n> (or -slots <n>) to create an annex, or -duration <hours> to extend one",
  };
}
