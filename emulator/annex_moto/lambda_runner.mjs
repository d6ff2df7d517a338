// Runs one Lambda invocation of a Node.js handler, as the nodejs runtime would.
// Usage: node lambda_runner.mjs <taskRoot> <handler> <eventFile> <resultFile>
// The handler's console output goes to stdout/stderr (the function's logs); the outcome goes
// to <resultFile> as {"ok": true, "result": ...} or {"ok": false, "error": {errorType, errorMessage, trace}}.
import { existsSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const [taskRoot, handlerSpec, eventFile, resultFile] = process.argv.slice(2);

function describeError(error) {
  if (error instanceof Error) {
    return {
      errorType: error.name || "Error",
      errorMessage: error.message,
      trace: String(error.stack || "").split("\n"),
    };
  }
  return { errorType: typeof error, errorMessage: String(error), trace: [] };
}

async function finish(outcome) {
  await writeFile(resultFile, JSON.stringify(outcome));
  // A real runtime freezes the sandbox once the handler returns; open sockets (SDK keep-alive)
  // must not keep this process alive.
  process.exit(0);
}

async function loadHandler() {
  const dot = handlerSpec.lastIndexOf(".");
  if (dot <= 0) {
    const error = new Error(`Bad handler ${handlerSpec}: expected module.export`);
    error.name = "Runtime.MalformedHandlerName";
    throw error;
  }
  const modulePath = handlerSpec.slice(0, dot);
  const exportPath = handlerSpec.slice(dot + 1).split(".");
  const candidates = [".js", ".mjs", ".cjs"].map((ext) => join(taskRoot, modulePath + ext));
  const file = candidates.find((candidate) => existsSync(candidate));
  if (file === undefined) {
    const error = new Error(`Cannot find module '${modulePath}'`);
    error.name = "Runtime.ImportModuleError";
    throw error;
  }
  const module = await import(pathToFileURL(file).href);
  let target = module;
  for (const key of exportPath) target = target?.[key] ?? target?.default?.[key];
  if (typeof target !== "function") {
    const error = new Error(`${modulePath}.${exportPath.join(".")} is undefined or not exported`);
    error.name = "Runtime.HandlerNotFound";
    throw error;
  }
  return target;
}

const deadline = Date.now() + Number(process.env.ANNEX_LAMBDA_TIMEOUT_MS || 3000);
const context = {
  functionName: process.env.AWS_LAMBDA_FUNCTION_NAME,
  functionVersion: process.env.AWS_LAMBDA_FUNCTION_VERSION,
  invokedFunctionArn: process.env.ANNEX_LAMBDA_FUNCTION_ARN,
  memoryLimitInMB: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
  awsRequestId: process.env.ANNEX_LAMBDA_REQUEST_ID,
  logGroupName: process.env.AWS_LAMBDA_LOG_GROUP_NAME,
  logStreamName: process.env.AWS_LAMBDA_LOG_STREAM_NAME,
  callbackWaitsForEmptyEventLoop: true,
  getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
};

process.on("unhandledRejection", (reason) => {
  void finish({ ok: false, error: describeError(reason) });
});
process.on("uncaughtException", (error) => {
  void finish({ ok: false, error: describeError(error) });
});

try {
  const event = JSON.parse(await readFile(eventFile, "utf8"));
  const handler = await loadHandler();
  const result = await new Promise((resolve, reject) => {
    // Callback-style handlers (three parameters) and async handlers alike.
    const callback = (error, value) => (error ? reject(error) : resolve(value));
    const returned = handler(event, context, callback);
    if (returned && typeof returned.then === "function") returned.then(resolve, reject);
    else if (handler.length < 3) resolve(returned);
  });
  await finish({ ok: true, result: result === undefined ? null : result });
} catch (error) {
  await finish({ ok: false, error: describeError(error) });
}
