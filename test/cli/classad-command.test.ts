import { describe, expect, it } from "vitest";
import { buildClassAdCommand, type ClassAdForm, convertClassAds } from "../../src/cli/classad-command.js";

async function convert(from: ClassAdForm, to: ClassAdForm, input: string) {
  const out: Buffer[] = [];
  const error = await convertClassAds(from, to, {
    input: [Buffer.from(input, "utf8")],
    write: (b) => out.push(b),
  });
  return { error, text: Buffer.concat(out).toString("utf8") };
}

const OLD =
  'ClusterId = 7\nOwner = "alice"\nRequirements = TARGET.Memory >= 100 && x is 1\n\nClusterId = 8\n\n';

describe("condor-annex classad parse", () => {
  it("converts the long form to new syntax, one ad per line", async () => {
    const r = await convert("old", "new", OLD);
    expect(r.error).toBeNull();
    expect(r.text).toBe(
      '[ Owner = "alice"; ClusterId = 7; Requirements = TARGET.Memory >= 100 && x is 1 ]\n[ ClusterId = 8 ]\n',
    );
  });

  it("converts the long form to itself, sorted, with blank lines between ads", async () => {
    const r = await convert("old", "old", OLD);
    expect(r.text).toBe(
      'ClusterId = 7\nOwner = "alice"\nRequirements = TARGET.Memory >= 100 && x =?= 1\n\nClusterId = 8\n\n',
    );
  });

  it("converts the long form to a JSON array and back", async () => {
    const json = await convert("old", "json", OLD);
    expect(json.error).toBeNull();
    expect(JSON.parse(json.text)).toEqual([
      { Owner: "alice", ClusterId: 7, Requirements: "/Expr(TARGET.Memory >= 100 && x is 1)/" },
      { ClusterId: 8 },
    ]);
    const back = await convert("json", "old", json.text);
    expect(back.text).toBe((await convert("old", "old", OLD)).text);
  });

  it("reads new-syntax ads back to back or as a list", async () => {
    const a = await convert("new", "old", "[a = 1] [b = 2]");
    expect(a.text).toBe("a = 1\n\nb = 2\n\n");
    const b = await convert("new", "old", "{ [a = 1], [b = 2] }");
    expect(b.text).toBe(a.text);
  });

  it("keeps UTF-8 bytes intact through the long form", async () => {
    const r = await convert("old", "old", 'S = "héllo"\n');
    expect(r.text).toBe('S = "héllo"\n\n');
    const n = await convert("old", "new", 'S = "é"\n');
    expect(n.text).toBe('[ S = "\\303\\251" ]\n');
  });

  it("stops at the first bad ad with its position", async () => {
    const r = await convert("old", "new", "A = 1\n\nB = (2\n");
    expect(r.text).toBe("[ A = 1 ]\n");
    expect(r.error?.message).toMatch(/^ad 2 attribute B, line 3, column 7: /);
    const j = await convert("json", "new", "[{]");
    expect(j.error?.line).toBe(1);
  });

  it("offers parse with --from and --to choices", () => {
    const parse = buildClassAdCommand().commands.find((c) => c.name() === "parse");
    expect(parse?.options.map((o) => o.long)).toEqual(["--from", "--to"]);
  });
});
