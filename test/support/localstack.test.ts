import { afterEach, describe, expect, it } from "vitest";
import { dockerEngineProblem } from "./localstack.js";

describe("the LocalStack target", () => {
  const saved = process.env.DOCKER_HOST;
  afterEach(() => {
    if (saved === undefined) delete process.env.DOCKER_HOST;
    else process.env.DOCKER_HOST = saved;
  });

  it("says why it cannot start a container when no Docker engine answers", async () => {
    process.env.DOCKER_HOST = "tcp://127.0.0.1:1"; // nothing listens on port 1
    const problem = await dockerEngineProblem();
    expect(problem).toMatch(/\S/);
  }, 60_000);
});
