import { GetCallerIdentityCommand } from "@aws-sdk/client-sts";
import { afterAll, describe, expect, it } from "vitest";
import { awsClients, MOTO_ACCOUNT_ID } from "../../support/aws-clients.js";
import { extensionSkipReason, targetSkipReason, useEmulator } from "../../support/emulator.js";

const target = useEmulator();
const unavailable = targetSkipReason(target());

describe.skipIf(unavailable !== undefined)("the e2e AWS target", () => {
  const clients = awsClients(target());
  afterAll(() => clients.destroy());

  it.skipIf(extensionSkipReason(target()) !== undefined)(
    "is our moto server on 127.0.0.1 with the extension loaded and moto's account",
    async () => {
      const { endpoint } = target();
      expect(endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const health = (await (await fetch(`${endpoint}/moto-api/ext/health`)).json()) as { moto: string };
      expect(health.moto).toBe("5.2.1");
      const identity = await clients.sts.send(new GetCallerIdentityCommand({}));
      expect(identity.Account).toBe(MOTO_ACCOUNT_ID);
    },
  );
});
