/**
 * The product's version and release date. Kept here rather than read from package.json at run
 * time so that `annex-gahp` starts without touching the file system; a unit test checks that it
 * matches package.json.
 */
export const VERSION = "0.1.0";

/** Release date shown in the GAHP banner (`$GahpVersion: 0.1.0 Nov 26 2026 ... $`). */
export const RELEASE_DATE = { month: "Nov", day: 26, year: 2026 } as const;

/** The GAHP version banner, with spaces in the name escaped as the GAHP protocol requires. */
export function gahpBanner(): string {
  const { month, day, year } = RELEASE_DATE;
  return `$GahpVersion: ${VERSION} ${month} ${day} ${year} HTCondor\\ Annex\\ GAHP $`;
}

/** A `$CondorVersion: … $` string for `program` (the reply to, or the client's side of, `CONDOR_VERSION`). */
export function condorVersionString(program = "HTCondor Annex GAHP"): string {
  const { month, day, year } = RELEASE_DATE;
  return `$CondorVersion: ${VERSION} ${month} ${day} ${year} ${program} $`;
}
