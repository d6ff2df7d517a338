/**
 * `npm run emulator`: starts moto 5.2.1 with condor-annex's extension on 127.0.0.1 on a free
 * port, prints `AWS_ENDPOINT_URL=http://127.0.0.1:<port>` and serves until interrupted.
 * Alarms are evaluated against the real clock every 10 s (`--evaluate-every N` changes it,
 * 0 turns it off); `POST /moto-api/ext/alarms/evaluate {"advanceSeconds": N}` jumps ahead.
 */
import { startEmulator } from "../test/support/emulator-process.js";

function parseInterval(argv: readonly string[]): number {
  const index = argv.indexOf("--evaluate-every");
  if (index < 0) return 10;
  const value = Number(argv[index + 1]);
  if (!Number.isFinite(value) || value < 0) {
    process.stderr.write(`--evaluate-every expects seconds ≥ 0, got ${argv[index + 1] ?? "nothing"}\n`);
    process.exit(2);
  }
  return value;
}

const emulator = await startEmulator({ realTimeEvaluationSeconds: parseInterval(process.argv.slice(2)) });
process.stdout.write(`AWS_ENDPOINT_URL=${emulator.endpoint}\n`);
process.stderr.write(
  `moto 5.2.1 + annex_moto; region us-east-1, any credentials (e.g. test/test). Log: ${emulator.logFile}\n` +
    "Press Ctrl-C to stop.\n",
);
let stopping = false;
const shutdown = () => {
  if (stopping) return;
  stopping = true;
  void emulator.stop().then(() => process.exit(0));
};
process.on("SIGINT", shutdown);
process.on("SIGTERM", shutdown);
