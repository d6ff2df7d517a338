import { createInterface } from "node:readline";
import { gahpBanner } from "../version.js";

/**
 * Entry point of the GAHP helper. Prints the banner and answers `QUIT`; the full protocol server
 * (src/gahp) replaces this loop.
 */
export function main(): void {
  process.stdout.write(`${gahpBanner()}\n`);
  const lines = createInterface({ input: process.stdin, crlfDelay: Number.POSITIVE_INFINITY });
  lines.on("line", (line) => {
    const command = line.trim().split(/\s+/)[0]?.toUpperCase();
    if (command === "QUIT") {
      process.stdout.write("S\n", () => process.exit(0));
    } else {
      process.stdout.write("E\n");
    }
  });
  lines.on("close", () => process.exit(0));
}
