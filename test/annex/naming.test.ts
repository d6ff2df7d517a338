import { describe, expect, it } from "vitest";
import {
  ANNEX_STACK_PREFIX,
  annexNameOfStack,
  annexStackName,
  isAnnexName,
  SETUP_STACK_NAME,
  suggestAnnexName,
} from "../../src/annex/index.js";
import { ANNEX_NAME_PATTERN } from "../../templates/index.js";

describe("annex names", () => {
  it.each(["a", "chem-burst", "gpu2", "a-b-c", "x".repeat(63)])("accepts the DNS label %j", (name) => {
    expect(isAnnexName(name)).toBe(true);
    // …and every name we accept is one the templates accept
    expect(ANNEX_NAME_PATTERN.test(name)).toBe(true);
  });

  it.each(["", "Chem", "1abc", "-a", "a-", "a_b", "a.b", "x".repeat(64), "ünï"])("rejects %j", (name) => {
    expect(isAnnexName(name)).toBe(false);
  });

  it("suggests a valid name for a near miss, or nothing", () => {
    expect(suggestAnnexName("Chem_Burst")).toBe("chem-burst");
    expect(suggestAnnexName("9lives")).toBe("lives");
    expect(suggestAnnexName("___")).toBeUndefined();
  });

  it("names the stack HTCondorAnnex-<name> and reads the name back", () => {
    expect(annexStackName("chem-burst")).toBe("HTCondorAnnex-chem-burst");
    expect(annexNameOfStack("HTCondorAnnex-chem-burst")).toBe("chem-burst");
  });

  it("does not take the setup stack or foreign stacks for annexes", () => {
    expect(annexNameOfStack(SETUP_STACK_NAME)).toBeUndefined();
    expect(annexNameOfStack("my-app")).toBeUndefined();
    expect(annexNameOfStack(`${ANNEX_STACK_PREFIX}Not_Ours`)).toBeUndefined();
  });
});
