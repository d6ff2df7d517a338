import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { gahpBanner, VERSION } from "../src/version.js";

describe("version", () => {
  it("matches package.json", () => {
    const pkg: unknown = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));
    expect(pkg).toMatchObject({ version: VERSION });
  });

  it("is shown in the GAHP banner with escaped spaces", () => {
    expect(gahpBanner()).toMatch(
      /^\$GahpVersion: \d+\.\d+\.\d+ [A-Z][a-z]{2} \d{1,2} \d{4} HTCondor\\ Annex\\ GAHP \$$/,
    );
  });
});
