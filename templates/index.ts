/**
 * Public API of the templates: renderers for the setup stack and the annex stack, the names of
 * their parameters and outputs, the capabilities they need, and the stack tags of an annex stack.
 */
import { TAG_ANNEX_NAME, TAG_DEADLINE, TAG_OWNER, TAG_POOL, TAG_REQUEST } from "./constants.js";
import type { AnnexStackParams, StackTag } from "./types.js";

export {
  ANNEX_CAPABILITIES,
  ANNEX_OUTPUTS,
  ANNEX_PARAMETERS,
  annexResourceTags,
  leaseEvaluationPeriods,
  renderAnnexStack,
} from "./annex-stack.js";
export { renderBootstrap, renderCondorConfig, startExpression } from "./bootstrap.js";
export * from "./constants.js";
export { WILDCARD_JUSTIFICATIONS } from "./policies.js";
export {
  leaseCodeKey,
  renderSetupStack,
  SETUP_CAPABILITIES,
  SETUP_OUTPUTS,
} from "./setup-stack.js";
export * from "./types.js";
export { annexStackProblems, setupStackProblems } from "./validate.js";

/**
 * The tags CreateStack/UpdateStack must carry for an annex stack: the sweeper reads the name and
 * deadline, ANNEX_LIST rebuilds its view from all of them. Extending the deadline is an update of
 * these tags alone (UsePreviousTemplate).
 */
export function annexStackTags(p: AnnexStackParams): StackTag[] {
  const tags: StackTag[] = [
    { Key: TAG_ANNEX_NAME, Value: p.annexName },
    { Key: TAG_POOL, Value: p.pool ?? p.collectorHost },
    { Key: TAG_OWNER, Value: p.owner },
    { Key: TAG_DEADLINE, Value: p.deadline },
  ];
  if (p.request !== undefined) tags.push({ Key: TAG_REQUEST, Value: p.request });
  for (const [Key, Value] of Object.entries(p.tags ?? {})) tags.push({ Key, Value });
  return tags;
}

/** A template as the `TemplateBody` string CloudFormation takes (compact JSON; the limit is 51,200 bytes). */
export function templateBody(t: import("./types.js").CfnTemplate): string {
  return JSON.stringify(t);
}
