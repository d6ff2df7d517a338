/**
 * A loopback EC2 instance metadata service (IMDSv2) for one simulated instance: what the real
 * service at 169.254.169.254 answers to the instance's bootstrap and to the AWS CLI on it. Every
 * read needs a session token from `PUT /latest/api/token` (the launch template sets
 * `HttpTokens = required`), and the role's credentials are those the emulator's STS handed out
 * for the instance role, as EC2 would.
 */
import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** Credentials of the instance role, as IMDS serves them. */
export interface RoleCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken: string;
  readonly expiration: Date;
}

/** Who the instance is. */
export interface InstanceIdentity {
  readonly instanceId: string;
  readonly instanceType: string;
  readonly region: string;
  readonly availabilityZone: string;
  readonly imageId: string;
  readonly accountId: string;
  readonly instanceProfileArn: string;
  readonly roleName: string;
  /** Called when credentials are asked for (so they can be renewed); the latest are served. */
  readonly credentials: () => Promise<RoleCredentials>;
}

/** A running loopback IMDS. */
export interface LoopbackImds {
  /** `http://127.0.0.1:<port>` */
  readonly endpoint: string;
  /** Paths read (after the token check), for tests. */
  readonly reads: string[];
  close(): Promise<void>;
}

function send(res: ServerResponse, status: number, body = "", type = "text/plain"): void {
  res.writeHead(status, { "Content-Type": type, "Content-Length": Buffer.byteLength(body) });
  res.end(body);
}

/** Starts an IMDSv2 for `identity` on 127.0.0.1 (a free port). */
export async function startLoopbackImds(identity: InstanceIdentity): Promise<LoopbackImds> {
  const tokens = new Set<string>();
  const reads: string[] = [];
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? "").split("?")[0] ?? "";
    if (path === "/latest/api/token") {
      if (req.method !== "PUT") return send(res, 405);
      const ttl = Number(req.headers["x-aws-ec2-metadata-token-ttl-seconds"]);
      if (!Number.isInteger(ttl) || ttl < 1 || ttl > 21_600) return send(res, 400);
      const token = randomBytes(24).toString("base64url");
      tokens.add(token);
      return send(res, 200, token);
    }
    const token = req.headers["x-aws-ec2-metadata-token"];
    if (typeof token !== "string" || !tokens.has(token)) return send(res, 401);
    if (req.method !== "GET") return send(res, 405);
    reads.push(path);
    const meta = "/latest/meta-data/";
    const role = `${meta}iam/security-credentials/${identity.roleName}`;
    const simple: Record<string, string> = {
      [`${meta}instance-id`]: identity.instanceId,
      [`${meta}instance-type`]: identity.instanceType,
      [`${meta}ami-id`]: identity.imageId,
      [`${meta}placement/region`]: identity.region,
      [`${meta}placement/availability-zone`]: identity.availabilityZone,
      [`${meta}local-ipv4`]: "127.0.0.1",
      [`${meta}iam/security-credentials/`]: identity.roleName,
      [`${meta}iam/security-credentials`]: identity.roleName,
    };
    const answer = simple[path];
    if (answer !== undefined) return send(res, 200, answer);
    if (path === `${meta}iam/info`) {
      return send(
        res,
        200,
        JSON.stringify({
          Code: "Success",
          LastUpdated: new Date().toISOString(),
          InstanceProfileArn: identity.instanceProfileArn,
          InstanceProfileId: `AIPA${identity.instanceId.slice(2).toUpperCase()}`,
        }),
        "application/json",
      );
    }
    if (path === role || path === `${role}/`) {
      const c = await identity.credentials();
      return send(
        res,
        200,
        JSON.stringify({
          Code: "Success",
          LastUpdated: new Date().toISOString(),
          Type: "AWS-HMAC",
          AccessKeyId: c.accessKeyId,
          SecretAccessKey: c.secretAccessKey,
          Token: c.sessionToken,
          Expiration: c.expiration.toISOString(),
        }),
        "application/json",
      );
    }
    if (path === "/latest/dynamic/instance-identity/document") {
      return send(
        res,
        200,
        JSON.stringify({
          accountId: identity.accountId,
          architecture: "x86_64",
          availabilityZone: identity.availabilityZone,
          imageId: identity.imageId,
          instanceId: identity.instanceId,
          instanceType: identity.instanceType,
          privateIp: "127.0.0.1",
          region: identity.region,
          version: "2017-09-30",
        }),
        "application/json",
      );
    }
    return send(res, 404);
  };
  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) =>
      send(res, 500, error instanceof Error ? error.message : String(error)),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    reads,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
