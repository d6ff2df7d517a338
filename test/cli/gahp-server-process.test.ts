/**
 * The process side of the GAHP client: a server that cannot start, one that dies with words on
 * stderr, one that closes its output but lingers, and one stopped by the client.
 */
import { describe, expect, it } from "vitest";
import { spawnGahpServer } from "../../src/cli/gahp-server-process.js";

/** A node program as the server: `script` runs after it prints a banner and answers COMMANDS. */
function server(script: string): [string, string[]] {
  const prelude = `
    process.stdout.write("$GahpVersion: 1.0 test $\\n");
    let buffered = "";
    process.stdin.on("data", (chunk) => {
      buffered += chunk;
      let newline;
      while ((newline = buffered.indexOf("\\n")) >= 0) {
        const line = buffered.slice(0, newline).trim();
        buffered = buffered.slice(newline + 1);
        if (line === "COMMANDS") process.stdout.write("S COMMANDS QUIT\\n");
        else if (line === "QUIT") { process.stdout.write("S\\n"); process.exit(0); }
        else globalThis.onLine?.(line);
      }
    });`;
  return [process.execPath, ["-e", `${prelude}\n${script}`]];
}

describe("spawnGahpServer", () => {
  it("says what could not be run", async () => {
    await expect(spawnGahpServer("/nonexistent/annex-gahp", [])).rejects.toThrow(
      /could not run the GAHP server \/nonexistent\/annex-gahp: spawn \/nonexistent\/annex-gahp ENOENT/,
    );
  });

  it("reports the exit status and the tail of stderr when the server dies during startup", async () => {
    const [command, args] = server('process.stderr.write("cannot read the config\\n"); process.exit(4);');
    await expect(spawnGahpServer(command, args)).rejects.toThrow(
      /exited \(status 4\) \(stderr: cannot read the config\)|closed its output \(stderr: cannot read the config\)/,
    );
  });

  it("quits cleanly: QUIT answered, the process exits 0", async () => {
    const [command, args] = server("");
    const client = await spawnGahpServer(command, args);
    await client.quit();
    expect(client.process?.exitCode).toBe(0);
  });

  it("stops the process on close and fails what is pending", async () => {
    const [command, args] = server("");
    const client = await spawnGahpServer(command, args);
    await client.close();
    expect(client.process?.signalCode).toBe("SIGTERM");
    await expect(client.command("COMMANDS")).rejects.toThrow(/exited \(SIGTERM\)|closed the connection/);
  });

  it("waits for the exit of a server that closed its output, to name its status", async () => {
    const [command, args] = server(
      "globalThis.onLine = () => { process.stdout.end(); setTimeout(() => process.exit(7), 200); };",
    );
    const client = await spawnGahpServer(command, args);
    await expect(client.command("ASYNC_MODE_ON")).rejects.toThrow(/exited \(status 7\)/);
  });
});
