import { ANNEX_STACK_PREFIX, LIMITS, SETUP_STACK_NAME } from "./constants.js";

/**
 * Annex names are DNS labels: lower-case letters, digits and inner hyphens, 1-63 characters, so
 * that `HTCondorAnnex-<name>` and every name derived from it fit AWS's limits. Lower case only,
 * so that two annexes never differ by case alone (a subset of templates' ANNEX_NAME_PATTERN).
 */
/** The annex name pattern (JavaScript and PCRE2 read it alike). */
export const ANNEX_NAME = new RegExp(`^[a-z](?:[a-z0-9-]{0,${LIMITS.nameMaxLength - 2}}[a-z0-9])?$`);

/** The expected form of an annex name, for messages. */
export const ANNEX_NAME_FORM = `a DNS-safe name: 1-${LIMITS.nameMaxLength} lower-case letters, digits or inner hyphens, starting with a letter (e.g. "chem-burst")`;

/** True when `name` is a valid annex name. */
export function isAnnexName(name: string): boolean {
  return ANNEX_NAME.test(name);
}

/**
 * A valid annex name close to `name` (lower-cased, other characters turned into hyphens,
 * trimmed), for "did you mean" messages; undefined when nothing usable remains.
 */
export function suggestAnnexName(name: string): string | undefined {
  const suggestion = name
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, "-")
    .replace(/^[^a-z]+/, "")
    .slice(0, LIMITS.nameMaxLength)
    .replace(/-+$/, "");
  return isAnnexName(suggestion) ? suggestion : undefined;
}

export { annexStackName } from "../../templates/index.js";

/** The annex name of an annex stack, or undefined when the stack is not one (the setup stack, others). */
export function annexNameOfStack(stackName: string): string | undefined {
  if (!stackName.startsWith(ANNEX_STACK_PREFIX) || stackName === SETUP_STACK_NAME) return undefined;
  const name = stackName.slice(ANNEX_STACK_PREFIX.length);
  return isAnnexName(name) ? name : undefined;
}
