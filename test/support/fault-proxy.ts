/**
 * A fault-injecting HTTP proxy for the AWS SDK: it sits on 127.0.0.1 (a free port) between the
 * SDK's clients and an AWS-compatible endpoint (the emulator) and, at configurable rates drawn
 * from a seeded RNG, answers with throttling errors in each protocol's real wire shape, answers
 * with 5xx errors, resets the connection (before the request reaches the endpoint, or after the
 * endpoint processed it — the case that makes a non-idempotent call dangerous), or delays the
 * request. It counts what it injected, by kind and by protocol.
 *
 *   SDK ──▶ proxy ──(faults)──▶ emulator        the test checks the emulator directly
 *
 * Protocols are told apart as the SDK speaks them: `X-Amz-Target` → AWS JSON 1.0/1.1
 * (CloudWatch); `/2015-03-31/…` → Lambda REST-JSON; a form body with `Action=` → the query
 * protocol (CloudFormation, AutoScaling, IAM, SNS, STS) or EC2's (`Version=2016-11-15`);
 * anything else → S3 REST-XML. `/moto-api/…` (the emulator's control routes) always passes.
 */

import { randomBytes } from "node:crypto";
import {
  Agent,
  createServer,
  request as httpRequest,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { seededRandom } from "./seeded-random.js";

/** The wire protocol of one request, as far as fault shapes go. */
export type AwsWireProtocol = "query" | "ec2" | "json" | "lambda" | "s3";

/** What the proxy can do to a request. */
export type FaultKind = "throttle" | "serverError" | "resetBefore" | "resetAfter" | "latency";

/** Per-request probabilities (0..1) of each fault; at most one error fault per request. */
export interface FaultRates {
  /** A throttling error in the protocol's shape (not forwarded). */
  readonly throttle?: number;
  /** A 500/503 error in the protocol's shape (not forwarded). */
  readonly serverError?: number;
  /** Connection reset: before forwarding, or after the endpoint answered (see `resetBeforeShare`). */
  readonly reset?: number;
  /** Share of resets that happen before forwarding (default 0.5; the rest after). */
  readonly resetBeforeShare?: number;
  /** Extra latency before forwarding (independent of the error faults). */
  readonly latency?: number;
  /** Latency range in ms (default 5..60). */
  readonly latencyMs?: readonly [number, number];
}

/** Counts of what went through the proxy. */
export interface FaultCounts {
  requests: number;
  forwarded: number;
  passedThrough: number;
  injected: Record<FaultKind, number>;
  /** Injected error faults by protocol, e.g. `query:throttle`. */
  byProtocol: Record<string, number>;
  /** Injected faults by AWS operation, e.g. `CreateStack:resetAfter`. */
  byOperation: Record<string, number>;
}

/** A running proxy. */
export interface FaultProxy {
  /** `http://127.0.0.1:<port>`: give it to the SDK as the endpoint. */
  readonly endpoint: string;
  readonly counts: FaultCounts;
  /** Changes the rates from now on (e.g. to 0 for a clean check phase). */
  setRates(rates: FaultRates): void;
  /** Stops listening and closes every connection. */
  stop(): Promise<void>;
}

/** Options of {@link startFaultProxy}. */
export interface FaultProxyOptions {
  /** Where requests go, e.g. the emulator's `http://127.0.0.1:PORT`. */
  readonly upstream: string;
  readonly rates: FaultRates;
  /** RNG seed (default 1): the same seed gives the same sequence of decisions. */
  readonly seed?: number;
  /** Requests that are never faulted (default: the emulator's `/moto-api/` routes). */
  readonly passThrough?: (method: string, path: string) => boolean;
  /**
   * Deterministic faults: the first time each distinct request of one of these operations is
   * seen (same operation and body; an SDK retry repeats the body), it gets this fault; its
   * retries pass. `resetAfter` on `CreateStack` = the stack is created and the answer is lost.
   */
  readonly firstAttemptFaults?: Readonly<Record<string, "resetAfter" | "resetBefore" | "throttle">>;
}

/** The protocol and operation of a request, from what the SDK sends. */
export function classifyRequest(
  method: string,
  path: string,
  headers: IncomingHttpHeaders,
  body: string,
): { protocol: AwsWireProtocol; operation: string } {
  const target = headers["x-amz-target"];
  if (typeof target === "string") {
    return { protocol: "json", operation: target.slice(target.lastIndexOf(".") + 1) };
  }
  if (path.startsWith("/2015-03-31/") || path.startsWith("/2014-11-13/") || path.startsWith("/2017-03-31/")) {
    return { protocol: "lambda", operation: `${method} ${path.split("?")[0] ?? ""}` };
  }
  const contentType = String(headers["content-type"] ?? "");
  if (method === "POST" && contentType.startsWith("application/x-www-form-urlencoded")) {
    const form = new URLSearchParams(body);
    const action = form.get("Action");
    if (action !== null) {
      return { protocol: form.get("Version") === "2016-11-15" ? "ec2" : "query", operation: action };
    }
  }
  return { protocol: "s3", operation: `${method} s3` };
}

const QUERY_NAMESPACES: Record<string, string> = {
  "2010-05-15": "http://cloudformation.amazonaws.com/doc/2010-05-15/",
  "2011-01-01": "http://autoscaling.amazonaws.com/doc/2011-01-01/",
  "2010-05-08": "https://iam.amazonaws.com/doc/2010-05-08/",
  "2010-03-31": "http://sns.amazonaws.com/doc/2010-03-31/",
  "2011-06-15": "https://sts.amazonaws.com/doc/2011-06-15/",
};

/** An error response as AWS sends it for `protocol`: status, headers and body. */
export function errorResponse(
  protocol: AwsWireProtocol,
  kind: "throttle" | "serverError",
  version: string | null,
): { status: number; headers: Record<string, string>; body: string } {
  const requestId = randomBytes(16).toString("hex");
  switch (protocol) {
    case "query": {
      // CloudFormation, AutoScaling, IAM, SNS, STS: HTTP 400 Throttling (Sender), 500 InternalFailure.
      const [status, type, code, message] =
        kind === "throttle"
          ? [400, "Sender", "Throttling", "Rate exceeded"]
          : [500, "Receiver", "InternalFailure", "An internal error occurred (injected by the fault proxy)."];
      const xmlns = QUERY_NAMESPACES[version ?? ""] ?? "http://cloudformation.amazonaws.com/doc/2010-05-15/";
      return {
        status,
        headers: { "content-type": "text/xml", "x-amzn-requestid": requestId },
        body: `<ErrorResponse xmlns="${xmlns}"><Error><Type>${type}</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`,
      };
    }
    case "ec2": {
      // EC2: RequestLimitExceeded is HTTP 503; InternalError 500. Note `RequestID` (capital D).
      const [status, code, message] =
        kind === "throttle"
          ? [503, "RequestLimitExceeded", "Request limit exceeded."]
          : [500, "InternalError", "An internal error has occurred (injected by the fault proxy)."];
      return {
        status,
        headers: { "content-type": "text/xml;charset=UTF-8" },
        body: `<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>${code}</Code><Message>${message}</Message></Error></Errors><RequestID>${requestId}</RequestID></Response>`,
      };
    }
    case "json": {
      // CloudWatch over AWS JSON 1.0 is query-compatible: the header carries the query code.
      const [status, type, queryCode, message] =
        kind === "throttle"
          ? [400, "ThrottlingException", "Throttling;Sender", "Rate exceeded"]
          : [
              500,
              "InternalServiceFault",
              "InternalServiceError;Receiver",
              "Internal service error (injected)",
            ];
      return {
        status,
        headers: {
          "content-type": "application/x-amz-json-1.0",
          "x-amzn-requestid": requestId,
          "x-amzn-query-error": queryCode,
        },
        body: JSON.stringify({ __type: `com.amazonaws.cloudwatch#${type}`, message }),
      };
    }
    case "lambda": {
      const [status, type, body] =
        kind === "throttle"
          ? [
              429,
              "TooManyRequestsException",
              { Reason: "CallerRateLimitExceeded", Type: "User", message: "Rate exceeded" },
            ]
          : [
              500,
              "ServiceException",
              { Type: "Service", message: "Service error (injected by the fault proxy)" },
            ];
      return {
        status,
        headers: {
          "content-type": "application/json",
          "x-amzn-errortype": `${type}:`,
          "x-amzn-requestid": requestId,
        },
        body: JSON.stringify(body),
      };
    }
    case "s3": {
      const [status, code, message] =
        kind === "throttle"
          ? [503, "SlowDown", "Please reduce your request rate."]
          : [500, "InternalError", "We encountered an internal error. Please try again."];
      return {
        status,
        headers: { "content-type": "application/xml", "x-amz-request-id": requestId },
        body: `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message><RequestId>${requestId}</RequestId><HostId>${randomBytes(24).toString("base64")}</HostId></Error>`,
      };
    }
  }
}

function emptyCounts(): FaultCounts {
  return {
    requests: 0,
    forwarded: 0,
    passedThrough: 0,
    injected: { throttle: 0, serverError: 0, resetBefore: 0, resetAfter: 0, latency: 0 },
    byProtocol: {},
    byOperation: {},
  };
}

function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => resolve(Buffer.concat(chunks)));
    request.on("error", reject);
  });
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Starts a proxy to `options.upstream` on 127.0.0.1 (a free port). */
export async function startFaultProxy(options: FaultProxyOptions): Promise<FaultProxy> {
  const upstream = new URL(options.upstream);
  const random = seededRandom(options.seed ?? 1);
  const passThrough =
    options.passThrough ?? ((_method: string, path: string) => path.startsWith("/moto-api/"));
  let rates = options.rates;
  const counts = emptyCounts();
  const seenFirstAttempts = new Set<string>();
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const sockets = new Set<Socket>();

  const count = (kind: FaultKind, protocol: string, operation: string) => {
    counts.injected[kind]++;
    counts.byProtocol[`${protocol}:${kind}`] = (counts.byProtocol[`${protocol}:${kind}`] ?? 0) + 1;
    counts.byOperation[`${operation}:${kind}`] = (counts.byOperation[`${operation}:${kind}`] ?? 0) + 1;
  };

  /** Sends the request upstream; resolves with the full response. */
  const forward = (
    incoming: IncomingMessage,
    body: Buffer,
  ): Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer }> =>
    new Promise((resolve, reject) => {
      const headers = { ...incoming.headers, host: upstream.host };
      const outgoing = httpRequest(
        {
          host: upstream.hostname,
          port: upstream.port,
          method: incoming.method,
          path: incoming.url,
          headers,
          agent,
        },
        (response) => {
          readBody(response).then(
            (data) => resolve({ status: response.statusCode ?? 502, headers: response.headers, body: data }),
            reject,
          );
        },
      );
      outgoing.on("error", reject);
      outgoing.end(body);
    });

  const handle = async (incoming: IncomingMessage, reply: ServerResponse): Promise<void> => {
    const body = await readBody(incoming);
    const method = incoming.method ?? "GET";
    const path = incoming.url ?? "/";
    counts.requests++;
    if (passThrough(method, path)) {
      counts.passedThrough++;
    } else {
      const { protocol, operation } = classifyRequest(method, path, incoming.headers, body.toString("utf8"));
      const once = options.firstAttemptFaults?.[operation];
      // The body minus what the SDK changes on a retry (none of the query/JSON bodies carry it).
      const key = `${operation} ${path} ${body.toString("utf8")}`;
      if (once !== undefined && !seenFirstAttempts.has(key)) {
        seenFirstAttempts.add(key);
        count(once, protocol, operation);
        if (once === "throttle") {
          const shaped = errorResponse(
            protocol,
            "throttle",
            new URLSearchParams(body.toString("utf8")).get("Version"),
          );
          reply.writeHead(shaped.status, {
            ...shaped.headers,
            "content-length": Buffer.byteLength(shaped.body),
          });
          reply.end(shaped.body);
          return;
        }
        if (once === "resetAfter") {
          await forward(incoming, body);
          counts.forwarded++;
        }
        incoming.socket.destroy();
        return;
      }
      // One draw per fault, always in the same order, so a seed fixes the decision sequence.
      const [dLatency, dError, dMs, dHalf] = [random(), random(), random(), random()];
      const throttle = rates.throttle ?? 0;
      const serverError = rates.serverError ?? 0;
      const reset = rates.reset ?? 0;
      if (dLatency < (rates.latency ?? 0)) {
        const [low, high] = rates.latencyMs ?? [5, 60];
        count("latency", protocol, operation);
        await sleep(low + dMs * (high - low));
      }
      if (dError < throttle + serverError) {
        const kind = dError < throttle ? "throttle" : "serverError";
        count(kind, protocol, operation);
        const version =
          protocol === "query" ? new URLSearchParams(body.toString("utf8")).get("Version") : null;
        const shaped = errorResponse(protocol, kind, version);
        reply.writeHead(shaped.status, {
          ...shaped.headers,
          "content-length": Buffer.byteLength(shaped.body),
        });
        reply.end(shaped.body);
        return;
      }
      if (dError < throttle + serverError + reset) {
        if (dHalf < (rates.resetBeforeShare ?? 0.5)) {
          count("resetBefore", protocol, operation);
          incoming.socket.destroy();
          return;
        }
        // The endpoint does the work; the caller never hears of it.
        await forward(incoming, body);
        counts.forwarded++;
        count("resetAfter", protocol, operation);
        incoming.socket.destroy();
        return;
      }
    }
    const answer = await forward(incoming, body);
    counts.forwarded++;
    const headers = { ...answer.headers };
    delete headers["transfer-encoding"];
    delete headers.connection;
    headers["content-length"] = String(answer.body.length);
    reply.writeHead(answer.status, headers);
    reply.end(answer.body);
  };

  const server: Server = createServer((incoming, reply) => {
    handle(incoming, reply).catch((error: unknown) => {
      // The upstream failed (it should not): say so as a 502 rather than hang the caller.
      if (!reply.headersSent) {
        reply.writeHead(502, { "content-type": "text/plain" });
        reply.end(`fault proxy: upstream failed: ${error instanceof Error ? error.message : String(error)}`);
      } else reply.destroy();
    });
  });
  server.keepAliveTimeout = 30_000;
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    counts,
    setRates(next) {
      rates = next;
    },
    async stop() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      agent.destroy();
      await closed;
    },
  };
}

/** A one-line summary of the counts, for test output and docs/reliability.md. */
export function describeCounts(counts: FaultCounts): string {
  const injected = Object.entries(counts.injected)
    .map(([kind, n]) => `${kind} ${n}`)
    .join(", ");
  return `${counts.requests} requests (${counts.forwarded} forwarded, ${counts.passedThrough} control); injected: ${injected}`;
}
