/**
 * A sandbox for running the instance bootstrap for real: a fake IMDSv2 service on 127.0.0.1,
 * a temporary root directory, and a PATH holding only fake commands (which log their arguments)
 * plus links to the few real tools the script needs — so the machine's own firewall, AWS
 * credentials and services are never touched.
 */
import { spawn, spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type BootstrapParams, renderBootstrap, shellQuote } from "../../templates/bootstrap.js";

export const INSTANCE_ID = "i-0123456789abcdef0";
export const IMDS_SESSION = "imds-session-token-42";

/** One request the fake metadata service received. */
export interface ImdsRequest {
  method: string;
  url: string;
  token: string | undefined;
}

/** A running fake IMDSv2 (session token required on every read, as with HttpTokens=required). */
export interface FakeImds {
  endpoint: string;
  requests: ImdsRequest[];
  close(): Promise<void>;
}

export async function startFakeImds(region = "us-east-1"): Promise<FakeImds> {
  const requests: ImdsRequest[] = [];
  const server = createServer((req, res) => {
    const token = req.headers["x-aws-ec2-metadata-token"];
    requests.push({
      method: req.method ?? "",
      url: req.url ?? "",
      token: typeof token === "string" ? token : undefined,
    });
    if (req.method === "PUT" && req.url === "/latest/api/token") {
      if (req.headers["x-aws-ec2-metadata-token-ttl-seconds"] === undefined) res.writeHead(400).end();
      else res.writeHead(200).end(IMDS_SESSION);
      return;
    }
    if (token !== IMDS_SESSION) {
      res.writeHead(401).end();
      return;
    }
    const answers: Record<string, string> = {
      "/latest/meta-data/instance-id": INSTANCE_ID,
      "/latest/meta-data/placement/region": region,
    };
    const answer = answers[req.url ?? ""];
    if (answer === undefined) res.writeHead(404).end();
    else res.writeHead(200).end(answer);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const REAL_TOOLS = [
  "bash",
  "curl",
  "date",
  "install",
  "mktemp",
  "mv",
  "rm",
  "chmod",
  "chown",
  "id",
  "cat",
  "sleep",
];

/** A temporary root and PATH. */
export interface Sandbox {
  dir: string;
  root: string;
  bin: string;
  callLog: string;
}

function which(tool: string): string {
  const found = spawnSync("bash", ["-c", `command -v ${tool}`], { encoding: "utf8" }).stdout.trim();
  if (found.length === 0) throw new Error(`the bootstrap sandbox needs ${tool} on PATH`);
  return found;
}

/** A fake command: logs its name and arguments (one line) and runs `body` (bash). */
export function addFake(box: Sandbox, name: string, body = "exit 0"): void {
  const file = join(box.bin, name);
  const log = shellQuote(box.callLog);
  writeFileSync(
    file,
    `#!/bin/bash\nprintf '%s' ${shellQuote(name)} >>${log}\nprintf ' %s' "$@" >>${log}\necho >>${log}\n${body}\n`,
  );
  chmodSync(file, 0o755);
}

/** A sandbox with the given fakes (name → bash body). */
export function createSandbox(fakes: Record<string, string>): Sandbox {
  const dir = mkdtempSync(join(tmpdir(), "annex-bootstrap-"));
  const box = { dir, root: join(dir, "root"), bin: join(dir, "bin"), callLog: join(dir, "calls.log") };
  mkdirSync(box.root);
  mkdirSync(box.bin);
  writeFileSync(box.callLog, "");
  for (const tool of REAL_TOOLS) symlinkSync(which(tool), join(box.bin, tool));
  for (const [name, body] of Object.entries(fakes)) addFake(box, name, body);
  return box;
}

export function removeSandbox(box: Sandbox): void {
  rmSync(box.dir, { recursive: true, force: true });
}

/** The logged calls of the fakes, one line each (`name arg arg …`). */
export function callsOf(box: Sandbox): string[] {
  return readFileSync(box.callLog, "utf8")
    .split("\n")
    .filter((l) => l.length > 0);
}

/** Renders the bootstrap with `params` and runs it in the sandbox against `imdsEndpoint`. */
export function runBootstrap(
  box: Sandbox,
  params: BootstrapParams,
  imdsEndpoint: string,
  env: Record<string, string> = {},
): Promise<{ code: number | null; stderr: string }> {
  const script = join(box.dir, "user-data.sh");
  writeFileSync(script, renderBootstrap(params));
  return new Promise((resolve) => {
    const child = spawn(join(box.bin, "bash"), [script], {
      env: {
        ...env,
        PATH: box.bin,
        ANNEX_ROOT: box.root,
        ANNEX_IMDS_ENDPOINT: imdsEndpoint,
        ANNEX_RETRY_DELAY_SECONDS: "0",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (c: Buffer) => {
      stderr += c.toString("utf8");
    });
    child.on("close", (code) => resolve({ code, stderr }));
  });
}
