import { userInfo } from "node:os";
import {
  ANNEX_CAPABILITIES,
  type AnnexStackParams,
  annexStackTags,
  type CfnTemplate,
  type LeasePeriodSeconds,
  renderAnnexStack,
  type StackTag,
  TemplateParamsError,
} from "../../templates/index.js";
import { AWS_ERROR_CODES, isAwsError } from "../aws/errors.js";
import { clientRequestToken, requestDigest, requestTags } from "./canonical.js";
import type { CloudStack, RegionCloud, StackParameter } from "./cloud.js";
import { TAG_LEGACY_ANNEX_NAME, TAG_REQUEST, TOKEN_LIFETIME_MARGIN_SECONDS } from "./constants.js";
import { type AnnexContext, cloudIn, DEFAULT_POLLING, logOf, nowOf } from "./context.js";
import { ANNEX_ERROR_CODES, AnnexError } from "./errors.js";
import { sendHeartbeats } from "./heartbeat.js";
import { annexStackName } from "./naming.js";
import { assertOurs } from "./ownership.js";
import { deadlineTagValue, recordFromStack } from "./record.js";
import type { Secret } from "./redact.js";
import { setDesiredCapacity } from "./resize.js";
import { readSetupOutputs } from "./setup.js";
import { assertNotFailed, isInProgress, waitForStack } from "./stacks.js";
import { resolvePlacement } from "./subnets.js";
import { obtainPoolToken, uploadPoolToken } from "./tokens.js";
import type { AnnexRequest, CreateResult, SetupOutputs } from "./types.js";

/**
 * Create: one CloudFormation stack `HTCondorAnnex-<name>` per annex, idempotent.
 *
 *   describe ──absent──▶ CreateStack(token = f(canonical request), RoleARN = setup's service role)
 *      │                    │ AlreadyExists (a concurrent or earlier create won the race)
 *      ▼                    ▼
 *   exists ──────────▶ adopt: pool tag ours? ── no ──▶ E_OTHER_POOL (never adopted)
 *                              │ yes
 *                              ▼
 *                  wait if in progress; refresh the token; resize to Count if given
 *
 * The token object is uploaded only once the stack name is ours (after CreateStack succeeded,
 * or on adopting our own stack), so a create can never overwrite another pool's token.
 */

/** Options of {@link createAnnex}. */
export interface CreateOptions {
  /** Wait for the stack to settle (default true; bounded by the context's polling timeout). */
  readonly wait?: boolean;
  /** Lease alarm period; 10 or 30 s give high-resolution alarms for tests and demos. */
  readonly leasePeriodSeconds?: LeasePeriodSeconds;
  /** The token to upload; default: obtained from the context's token source. */
  readonly token?: Secret;
}

const CAPABILITIES = ANNEX_CAPABILITIES;

/**
 * The owner tag: the request's owners separated by spaces (tag values may not hold commas), or
 * the user running the helper.
 */
function ownerOf(request: AnnexRequest): string {
  if (request.owner !== undefined) {
    return request.owner
      .split(",")
      .map((owner) => owner.trim())
      .filter((owner) => owner !== "")
      .join(" ");
  }
  try {
    return userInfo().username;
  } catch {
    return "unknown";
  }
}

/**
 * The template parameters of an annex stack: what `create` deploys and what
 * `condor-annex template annex` prints. Needs only the pool, the setup stack's bucket and Lambda,
 * and the placement (no VPC when the subnets are the default VPC's, resolved at deploy time).
 */
export function annexStackParams(
  ctx: Pick<AnnexContext, "pool">,
  request: AnnexRequest,
  setup: Pick<SetupOutputs, "tokenBucket" | "leaseFunctionArn">,
  placement: { vpcId?: string | undefined; subnets: readonly string[] },
  deadline: Date,
  leasePeriodSeconds: LeasePeriodSeconds | undefined,
): AnnexStackParams {
  const owners = request.owner
    ?.split(",")
    .map((owner) => owner.trim())
    .filter((owner) => owner !== "");
  return {
    annexName: request.name,
    instanceTypes: request.instanceTypes,
    subnets: placement.subnets,
    ...(placement.vpcId === undefined ? {} : { vpcId: placement.vpcId }),
    image:
      request.image.kind === "ami"
        ? { kind: "ami", imageId: request.image.id }
        : { kind: "ssm", parameter: request.image.parameter },
    spot: request.spot,
    onDemandBase: request.onDemandBase,
    desiredCapacity: request.count ?? 0,
    maxCapacity: request.maxInstances,
    leaseMinutes: request.leaseMinutes,
    ...(leasePeriodSeconds === undefined ? {} : { leasePeriodSeconds }),
    deadline: deadlineTagValue(deadline),
    collectorHost: request.collectorHost,
    pool: ctx.pool,
    owner: ownerOf(request),
    tags: request.tags,
    request: requestDigest(request),
    tokenBucket: setup.tokenBucket,
    leaseFunctionArn: setup.leaseFunctionArn,
    idleMinutes: request.idleMinutes,
    ...(owners === undefined || owners.length === 0 ? {} : { allowedJobOwners: owners }),
  };
}

/** The stack tags: the templates' (name, pool, owner, deadline, digest, user tags) plus the request chunks. */
export function annexTags(params: AnnexStackParams, request: AnnexRequest): StackTag[] {
  const tags = annexStackTags(params);
  const keys = new Set(tags.map((tag) => tag.Key));
  for (const tag of [{ Key: TAG_LEGACY_ANNEX_NAME, Value: request.name }, ...requestTags(request)]) {
    if (tag.Key !== TAG_REQUEST && !keys.has(tag.Key)) tags.push(tag);
  }
  return tags;
}

/**
 * Every template parameter with its rendered default as an explicit value, so the stack records
 * them all and a later update can say UsePreviousValue for each (emulators keep only the values
 * passed at creation).
 */
function explicitParameters(template: CfnTemplate): StackParameter[] {
  return Object.entries(template.Parameters ?? {})
    .filter(([, parameter]) => parameter.Default !== undefined)
    .map(([key, parameter]) => ({ key, value: String(parameter.Default) }));
}

async function tokenFor(ctx: AnnexContext, request: AnnexRequest, deadline: Date, options: CreateOptions) {
  if (options.token !== undefined) return options.token;
  if (ctx.tokenSource === undefined) {
    throw new AnnexError(
      ANNEX_ERROR_CODES.token,
      "no pool token source: set ANNEX_TOKEN_FILE (a token file, mode 0600) or ANNEX_TOKEN_COMMAND (e.g. condor_token_fetch)",
      { annex: request.name, operation: "create" },
    );
  }
  const lifetimeSeconds =
    Math.max(0, (deadline.getTime() - nowOf(ctx).getTime()) / 1000) + TOKEN_LIFETIME_MARGIN_SECONDS;
  return obtainPoolToken(ctx.tokenSource, { annexName: request.name, lifetimeSeconds });
}

/** Creates the annex, or adopts it when it exists and is ours (resizing to Count if given). */
export async function createAnnex(
  ctx: AnnexContext,
  request: AnnexRequest,
  options: CreateOptions = {},
): Promise<CreateResult> {
  const cloud = cloudIn(ctx, request.region);
  const stackName = annexStackName(request.name);
  const polling = ctx.polling ?? DEFAULT_POLLING;
  const log = logOf(ctx);
  const token = clientRequestToken(request);

  let existing = await cloud.describeStack(stackName, { annex: request.name });
  if (existing !== undefined) assertOurs(existing, ctx.pool, request.name);
  if (existing !== undefined && existing.status === "DELETE_IN_PROGRESS") {
    // The lease fired (or someone deleted it): let the deletion finish, then create afresh.
    log(`create ${request.name}: waiting for the deletion of ${stackName} to finish`);
    existing = await waitForStack(cloud, stackName, polling, request.name);
    if (existing !== undefined) assertNotFailed(existing, `create ${request.name}`, request.name);
  }
  if (existing !== undefined) return adopt(ctx, cloud, request, existing, token, options);

  const setup = await readSetupOutputs(cloud);
  const placement = await resolvePlacement(cloud, request.subnets, request.name);
  const deadline = new Date(nowOf(ctx).getTime() + request.maxHours * 3_600_000);
  const params = annexStackParams(ctx, request, setup, placement, deadline, options.leasePeriodSeconds);
  const secret = await tokenFor(ctx, request, deadline, options);
  let template: CfnTemplate;
  try {
    template = renderAnnexStack(params);
  } catch (error) {
    // The renderer re-validates its parameters; what it rejects is a bad request, not a crash.
    if (!(error instanceof TemplateParamsError)) throw error;
    throw new AnnexError(ANNEX_ERROR_CODES.invalidRequest, error.message, {
      annex: request.name,
      stack: stackName,
      operation: "create",
    });
  }
  let stackId: string | undefined;
  try {
    stackId = await cloud.createStack(
      {
        stackName,
        templateBody: JSON.stringify(template),
        parameters: explicitParameters(template),
        tags: annexTags(params, request),
        capabilities: CAPABILITIES,
        roleArn: setup.cloudFormationRoleArn,
        clientRequestToken: token,
        // Delete what was built if creation fails: a half-built annex would only cost money.
        deleteOnFailure: true,
      },
      { annex: request.name },
    );
  } catch (error) {
    if (!isAwsError(error, AWS_ERROR_CODES.conflict)) throw error;
    // Someone created it between our describe and our create: adopt (after the pool check).
    const raced = await cloud.describeStack(stackName, { annex: request.name });
    if (raced === undefined) throw error;
    assertOurs(raced, ctx.pool, request.name);
    return adopt(ctx, cloud, request, raced, token, options);
  }
  log(`create ${request.name}: stack ${stackName} requested (${request.instanceTypes.join(",")})`);
  await uploadPoolToken(cloud, setup.tokenBucket, request.name, secret);
  // Seed the lease: a new alarm must not start without data (treat-missing-data breaching).
  await sendHeartbeats(
    cloud,
    [{ annexName: request.name, value: Math.max(1, request.count ?? 0) }],
    nowOf(ctx),
  );

  let status = "CREATE_IN_PROGRESS";
  if (options.wait !== false) {
    const settled = await waitForStack(cloud, stackName, polling, request.name);
    if (settled === undefined) {
      throw new AnnexError(
        ANNEX_ERROR_CODES.stackFailed,
        `create ${request.name}: stack ${stackName} failed and was deleted (OnFailure DELETE); see its events`,
        { annex: request.name, stack: stackName, operation: "create" },
      );
    }
    assertNotFailed(settled, `create ${request.name}`, request.name);
    status = settled.status;
    stackId = settled.id ?? stackId;
  }
  return {
    name: request.name,
    stackName,
    stackId,
    stackStatus: status,
    outcome: "created",
    requestMatches: true,
    clientRequestToken: token,
    deadline,
    desiredCapacity: request.count ?? 0,
    subnets: placement.subnets,
  };
}

async function adopt(
  ctx: AnnexContext,
  cloud: RegionCloud,
  request: AnnexRequest,
  found: CloudStack,
  token: string,
  options: CreateOptions,
): Promise<CreateResult> {
  const stackName = annexStackName(request.name);
  let stack: CloudStack | undefined = found;
  if (isInProgress(stack.status) && options.wait !== false) {
    stack = await waitForStack(cloud, stackName, ctx.polling ?? DEFAULT_POLLING, request.name);
  }
  if (stack === undefined) {
    throw new AnnexError(
      ANNEX_ERROR_CODES.stackFailed,
      `create ${request.name}: stack ${stackName} disappeared while being adopted; create again`,
      { annex: request.name, stack: stackName, operation: "create" },
    );
  }
  assertNotFailed(
    stack,
    `create ${request.name} (adopting the existing stack; delete it to start over)`,
    request.name,
  );
  const record = recordFromStack(stack, cloud.region, ctx.defaults);
  if (record === undefined) {
    throw new AnnexError(ANNEX_ERROR_CODES.notFound, `stack ${stackName} is not an annex stack`, {
      annex: request.name,
      stack: stackName,
    });
  }
  const deadline = record.deadline ?? new Date(nowOf(ctx).getTime() + request.maxHours * 3_600_000);
  // Refresh the token: replacement instances of an adopted annex must still find a valid one.
  const setup = await readSetupOutputs(cloud);
  const secret = await tokenFor(ctx, request, deadline, options);
  await uploadPoolToken(cloud, setup.tokenBucket, request.name, secret);
  let desiredCapacity: number | undefined;
  if (request.count !== undefined && !isInProgress(stack.status)) {
    desiredCapacity = (await setDesiredCapacity(ctx, record, request.count)).desiredCapacity;
  }
  logOf(ctx)(`create ${request.name}: adopted existing stack ${stackName} (${stack.status})`);
  return {
    name: request.name,
    stackName,
    stackId: stack.id,
    stackStatus: stack.status,
    outcome: "adopted",
    requestMatches: stack.tags.get(TAG_REQUEST) === requestDigest(request),
    clientRequestToken: token,
    deadline,
    desiredCapacity,
    subnets: [],
  };
}
