/**
 * The instance simulator: every in-service instance of the emulator's annex groups becomes a real
 * HTCondor execute node in the test bed's Debian root.
 *
 * For each instance it does what EC2 and the AMI would: it runs the launch template's user data
 * (the product's bootstrap, unchanged) as root, against a loopback IMDSv2 that serves the
 * instance's identity and its instance role's credentials (from the emulator's STS), so the AWS
 * CLI on the "machine" fetches the pool token from the emulator's S3 with the instance role, the
 * bootstrap writes the HTCondor configuration, and `systemctl restart condor` starts a real
 * condor_master and condor_startd that join the pool.
 *
 * Each instance is a machine of its own as far as HTCondor can tell: it runs in its own mount, PID
 * and UTS namespaces (its host name is its instance id), where `/etc/condor` (HTCondor as installed in the image: the root's package
 * configuration without minicondor's single-machine pool), `/var/lib/condor`, `/var/log/condor`,
 * `/var/spool/condor`, `/run/condor`, `/run/lock/condor` and `/usr/local/libexec` are directories of its own, bound
 * over the root's. What a shared host forces, and nothing else, is added after the bootstrap's
 * configuration (`config.d/99-simulated-host`):
 *   - `NETWORK_HOSTNAME = <instance-id>`: a different machine name for every instance (they all
 *     have the host's name otherwise, and the collector would keep one ad of them);
 *   - `NETWORK_INTERFACE = 127.0.0.1`, `ENABLE_IPV6 = false`: loopback only;
 *   - `USE_SHARED_PORT = False`: the bootstrap's shared port would have every instance fight for
 *     port 9618; each daemon takes a free port instead (CCB, as the bootstrap configures, works
 *     either way);
 *   - `MOUNT_UNDER_SCRATCH =`: these sandboxes cannot make per-job mount namespaces;
 *   - `SEC_USE_FAMILY_SESSION = False`: HTCondor takes daemons at the same address for one family
 *     of processes sharing a security session, which annex machines and the pool are not;
 *   - `NUM_CPUS`, `MEMORY`: the instance type's, from the emulator's DescribeInstanceTypes, so
 *     the startd advertises what the real machine would rather than this host's.
 * The bootstrap's `systemctl`, `iptables` and `shutdown` are small commands of the simulator:
 * `systemctl restart condor` starts condor_master; `iptables` records the rule the bootstrap
 * inserts (the host's firewall is never touched); `shutdown` powers the "machine" off, which EC2
 * turns into a termination (InstanceInitiatedShutdownBehavior = terminate). Everything else is
 * real: bash, curl, the AWS CLI, HTCondor.
 *
 * When the emulator terminates an instance (the group shrinks, the stack is deleted), the
 * simulator powers it off as systemd stops HTCondor's own condor.service: SIGQUIT to condor_master
 * (its KillSignal, a fast shutdown in which every daemon withdraws its ads), SIGKILL after 150 s
 * (its TimeoutStopSec). A graceful SIGTERM would wait for claims the schedd has not released yet,
 * and a startd killed before it withdraws its ad stays in the collector for minutes. The
 * master's shutdown script sees the system "stopping" and does nothing, and the namespaces end
 * with everything in them.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { closeSync, existsSync, openSync, readFileSync } from "node:fs";
import { chmod, chown, cp, mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Instance as GroupInstance } from "@aws-sdk/client-auto-scaling";
import { AwsClients } from "../../../src/aws/index.js";
import type { DebianRoot } from "./debian-root.js";
import { type LoopbackImds, type RoleCredentials, startLoopbackImds } from "./imds.js";
import { ROOT_PATH, rootUser } from "./root-process.js";

/** Where simulated instances keep their trees, inside the root. */
export const INSTANCES_DIR = "/var/lib/condor-annex-testbed/instances";

/** The tag that marks an annex's group (templates/constants.ts TAG_ANNEX_NAME). */
const ANNEX_TAG = "htcondor:AnnexName";

/** The directories of the root that are each instance's own (bound over the root's). */
const PRIVATE_DIRS = {
  "etc-condor": "/etc/condor",
  "var-lib-condor": "/var/lib/condor",
  "var-log-condor": "/var/log/condor",
  "var-spool-condor": "/var/spool/condor",
  "run-condor": "/run/condor",
  "run-lock-condor": "/run/lock/condor",
  "usr-local-libexec": "/usr/local/libexec",
} as const;

/** What the simulator knows of one instance. */
export interface SimulatedInstance {
  readonly instanceId: string;
  readonly annexName: string;
  readonly instanceType: string;
  /** `booting` until the bootstrap finished; `running` while its condor_master runs; `off` after. */
  state: "booting" | "running" | "off";
  /** The bootstrap's exit status, once it finished. */
  bootstrapStatus: number | undefined;
  /** The instance's tree on the host. */
  readonly hostTree: string;
}

/** Options of {@link InstanceSimulator.start}. */
export interface SimulatorOptions {
  readonly root: DebianRoot;
  /** The emulator. */
  readonly endpoint: string;
  readonly region?: string;
  /** How often the emulator is polled (default 1 s; 0: only {@link InstanceSimulator.syncNow}). */
  readonly pollMs?: number;
  readonly log?: (message: string) => void;
}

interface Running extends SimulatedInstance {
  readonly supervisor: ChildProcess;
  readonly exited: Promise<void>;
  readonly imds: LoopbackImds;
}

/** Base64 user data → the script. */
function decodeUserData(b64: string | undefined): string {
  if (b64 === undefined || b64 === "") throw new Error("the launch template has no user data");
  return Buffer.from(b64, "base64").toString("utf8");
}

/** How long a powering-off machine may take before it is killed (condor.service's TimeoutStopSec). */
const POWER_OFF_GRACE_MS = 150_000;

/** The shell run as the first process of an instance's namespaces (see the module comment). */
const SUPERVISOR = `#!/bin/sh
# The simulated machine: $1 the Debian root, $2 the instance tree on the host, $3 the same inside
# the root, $4 the environment file of the bootstrap, $5 the instance id (its host name).
# Stdin closing powers the machine off.
set -u
R=$1 T=$2 IT=$3 ENVFILE=$4 ID=$5
exec 3<&0 </dev/null
hostname "$ID"
bind() { mkdir -p "$R$2" && mount --bind "$1" "$R$2"; }
${Object.entries(PRIVATE_DIRS)
  .map(([dir, path]) => `bind "$T/${dir}" ${path} || exit 125`)
  .join("\n")}
mount -t proc proc "$R/proc" || exit 125
# User data runs as root at boot, as cloud-init runs it.
chroot "$R" /usr/bin/env -i $(cat "$ENVFILE") /bin/bash "$IT/cloud/user-data" >"$T/bootstrap.log" 2>&1
echo $? >"$T/bootstrap.status"
# The machine runs while its condor_master runs — and, when the master exits, while the shutdown
# script it execs in its place runs (same pid; the master removes its pid file first).
pid=$(cat "$T/run-condor/master.pid" 2>/dev/null) || exit 0
{ read -r _ <&3; touch "$T/powering-off"; kill -QUIT "$pid"; } &
while kill -0 "$pid" 2>/dev/null; do sleep 1; done
`;

/** The simulator's commands on the instance (PATH comes first). */
function simulatorCommands(it: string): Record<string, string> {
  return {
    systemctl: `#!/bin/sh
# systemd on the simulated machine: only what the bootstrap and the shutdown script ask of it.
pidfile=/run/condor/master.pid
running() { [ -s "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; }
case "$1" in
  enable|disable|daemon-reload) exit 0 ;;
  is-system-running) if [ -e "${it}/powering-off" ]; then echo stopping; else echo running; fi ;;
  start|restart)
    [ "\${2:-}" = condor ] || exit 0
    if running; then kill -QUIT "$(cat "$pidfile")"; while running; do sleep 0.2; done; fi
    rm -f "$pidfile"
    condor_master -pidfile "$pidfile" || exit 1
    i=0; while [ ! -s "$pidfile" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
    running ;;
  stop) if running; then kill -QUIT "$(cat "$pidfile")"; fi ;;
  *) echo "systemctl (simulated): $*: not supported" >&2; exit 1 ;;
esac
`,
    iptables: `#!/bin/sh
# The simulated machine's firewall: records the rules, never touches the host's.
rules=${it}/iptables.rules
touch "$rules"
case "$1" in
  -C) shift; grep -qxF -- "$*" "$rules" ;;
  -I) shift; chain=$1; shift; case "$1" in [0-9]*) shift ;; esac; echo "$chain $*" >>"$rules" ;;
  -A) shift; echo "$*" >>"$rules" ;;
  *) exit 0 ;;
esac
`,
    shutdown: `#!/bin/sh
# Powering off: EC2 terminates the instance (InstanceInitiatedShutdownBehavior = terminate).
touch ${it}/halted ${it}/powering-off
[ -s /run/condor/master.pid ] && kill -QUIT "$(cat /run/condor/master.pid)"
exit 0
`,
  };
}

/** Runs every in-service instance of the emulator's annex groups as an HTCondor execute node. */
export class InstanceSimulator {
  readonly #options: SimulatorOptions;
  readonly #clients: AwsClients;
  readonly #running = new Map<string, Running>();
  readonly #log: (message: string) => void;
  readonly #events: string[] = [];
  #timer: ReturnType<typeof setInterval> | undefined;
  #syncing: Promise<void> | undefined;
  #stopped = false;

  private constructor(options: SimulatorOptions) {
    this.#options = options;
    const log = options.log ?? (() => {});
    // Every event is also kept (the last 200) for failure messages: see history().
    this.#log = (message) => {
      this.#events.push(`${new Date().toISOString()} ${message}`);
      if (this.#events.length > 200) this.#events.shift();
      log(message);
    };
    this.#clients = new AwsClients({
      region: options.region ?? "us-east-1",
      endpoint: options.endpoint,
      credentials: { accessKeyId: "test", secretAccessKey: "test" },
    });
  }

  /** Starts the simulator (and its polling). */
  static async start(options: SimulatorOptions): Promise<InstanceSimulator> {
    const simulator = new InstanceSimulator(options);
    await mkdir(join(options.root.dir, INSTANCES_DIR), { recursive: true });
    const pollMs = options.pollMs ?? 1000;
    if (pollMs > 0) {
      simulator.#timer = setInterval(() => {
        simulator.syncNow().catch((error: unknown) => simulator.#log(`sync failed: ${String(error)}`));
      }, pollMs);
    }
    return simulator;
  }

  /** The instances simulated now (and those that powered off but are still in the emulator). */
  instances(): SimulatedInstance[] {
    return [...this.#running.values()];
  }

  /** Brings the simulated machines in line with the emulator's groups now. */
  syncNow(): Promise<void> {
    this.#syncing ??= this.#sync().finally(() => {
      this.#syncing = undefined;
    });
    return this.#syncing;
  }

  async #sync(): Promise<void> {
    if (this.#stopped) return;
    const autoscaling = await this.#clients.autoScaling();
    const { DescribeAutoScalingGroupsCommand } = await import("@aws-sdk/client-auto-scaling");
    const groups =
      (
        await autoscaling.send(
          new DescribeAutoScalingGroupsCommand({ Filters: [{ Name: "tag-key", Values: [ANNEX_TAG] }] }),
        )
      ).AutoScalingGroups ?? [];
    const wanted = new Map<
      string,
      { annexName: string; instance: GroupInstance; template: { id: string; version: string } }
    >();
    for (const group of groups) {
      const annexName = group.Tags?.find((tag) => tag.Key === ANNEX_TAG)?.Value;
      const spec =
        group.MixedInstancesPolicy?.LaunchTemplate?.LaunchTemplateSpecification ?? group.LaunchTemplate;
      if (annexName === undefined || spec?.LaunchTemplateId === undefined) continue;
      for (const instance of group.Instances ?? []) {
        if (instance.InstanceId === undefined) continue;
        if (instance.LifecycleState !== "InService" && instance.LifecycleState !== "Pending") continue;
        wanted.set(instance.InstanceId, {
          annexName,
          instance,
          template: { id: spec.LaunchTemplateId, version: spec.Version ?? "$Latest" },
        });
      }
    }
    // Machines whose instance is gone: power them off.
    await Promise.all(
      [...this.#running.values()]
        .filter((machine) => !wanted.has(machine.instanceId))
        .map((machine) => this.#powerOff(machine, "terminated in EC2")),
    );
    // Machines that halted by themselves: EC2 terminates a halted instance.
    for (const machine of this.#running.values()) {
      if (
        machine.state === "off" &&
        existsSync(join(machine.hostTree, "halted")) &&
        wanted.has(machine.instanceId)
      ) {
        await this.#terminate(machine.instanceId);
      }
    }
    for (const [id, want] of wanted) {
      if (this.#running.has(id)) continue;
      await this.#boot(id, want.annexName, want.instance, want.template);
    }
  }

  async #terminate(instanceId: string): Promise<void> {
    const ec2 = await this.#clients.ec2();
    const { TerminateInstancesCommand } = await import("@aws-sdk/client-ec2");
    await ec2.send(new TerminateInstancesCommand({ InstanceIds: [instanceId] })).catch(() => undefined);
  }

  async #credentials(
    profileArn: string,
    instanceId: string,
  ): Promise<{ roleName: string; get: () => Promise<RoleCredentials> }> {
    const iam = await this.#clients.iam();
    const { GetInstanceProfileCommand } = await import("@aws-sdk/client-iam");
    const profileName = profileArn.split("/").at(-1) ?? profileArn;
    const profile = await iam.send(new GetInstanceProfileCommand({ InstanceProfileName: profileName }));
    const role = profile.InstanceProfile?.Roles?.[0];
    if (role?.RoleName === undefined || role.Arn === undefined)
      throw new Error(`instance profile ${profileArn} has no role`);
    const roleArn = role.Arn;
    const sts = await this.#clients.sts();
    const { AssumeRoleCommand } = await import("@aws-sdk/client-sts");
    return {
      roleName: role.RoleName,
      get: async () => {
        const assumed = await sts.send(
          new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: instanceId }),
        );
        const c = assumed.Credentials;
        if (c?.AccessKeyId === undefined || c.SecretAccessKey === undefined || c.SessionToken === undefined) {
          throw new Error(`STS gave no credentials for ${roleArn}`);
        }
        return {
          accessKeyId: c.AccessKeyId,
          secretAccessKey: c.SecretAccessKey,
          sessionToken: c.SessionToken,
          expiration: c.Expiration ?? new Date(Date.now() + 3600_000),
        };
      },
    };
  }

  async #hardware(instanceType: string): Promise<{ cpus: number; memoryMiB: number }> {
    const ec2 = await this.#clients.ec2();
    const { DescribeInstanceTypesCommand } = await import("@aws-sdk/client-ec2");
    const info = (
      await ec2.send(new DescribeInstanceTypesCommand({ InstanceTypes: [instanceType as never] }))
    ).InstanceTypes?.[0];
    return { cpus: info?.VCpuInfo?.DefaultVCpus ?? 2, memoryMiB: info?.MemoryInfo?.SizeInMiB ?? 4096 };
  }

  async #boot(
    instanceId: string,
    annexName: string,
    instance: GroupInstance,
    template: { id: string; version: string },
  ): Promise<void> {
    const root = this.#options.root.dir;
    const ec2 = await this.#clients.ec2();
    const { DescribeLaunchTemplateVersionsCommand } = await import("@aws-sdk/client-ec2");
    const version = (
      await ec2.send(
        new DescribeLaunchTemplateVersionsCommand({
          LaunchTemplateId: template.id,
          Versions: [template.version],
        }),
      )
    ).LaunchTemplateVersions?.[0]?.LaunchTemplateData;
    const userData = decodeUserData(version?.UserData);
    const profileArn = version?.IamInstanceProfile?.Arn;
    if (profileArn === undefined) throw new Error(`launch template ${template.id} has no instance profile`);
    // EC2 says which type it launched (the group's instance entry may not, with mixed types).
    const { DescribeInstancesCommand } = await import("@aws-sdk/client-ec2");
    const described = await ec2.send(new DescribeInstancesCommand({ InstanceIds: [instanceId] }));
    const instanceType =
      described.Reservations?.[0]?.Instances?.[0]?.InstanceType ||
      (instance.InstanceType !== undefined && instance.InstanceType !== ""
        ? instance.InstanceType
        : "m5.large");
    const hardware = await this.#hardware(instanceType);
    const role = await this.#credentials(profileArn, instanceId);
    const region = this.#options.region ?? "us-east-1";
    const imds = await startLoopbackImds({
      instanceId,
      instanceType,
      region,
      availabilityZone: instance.AvailabilityZone ?? `${region}a`,
      imageId: version?.ImageId ?? "ami-00000000",
      accountId: "123456789012",
      instanceProfileArn: profileArn,
      roleName: role.roleName,
      credentials: role.get,
    });

    const it = `${INSTANCES_DIR}/${instanceId}`;
    const hostTree = join(root, it);
    await rm(hostTree, { recursive: true, force: true });
    for (const dir of [...Object.keys(PRIVATE_DIRS), "bin", "cloud"])
      await mkdir(join(hostTree, dir), { recursive: true });
    // HTCondor as installed in the image: the package's configuration, not minicondor's pool.
    await cp(join(root, "etc/condor"), join(hostTree, "etc-condor"), { recursive: true });
    await rm(join(hostTree, "etc-condor/config.d/00-minicondor"), { force: true });
    await writeFile(
      join(hostTree, "etc-condor/config.d/99-simulated-host"),
      [
        `## The instance simulator: what sharing one host forces (test/support/htcondor/instance-simulator.ts).`,
        `NETWORK_HOSTNAME = ${instanceId}`,
        "NETWORK_INTERFACE = 127.0.0.1",
        "ENABLE_IPV6 = false",
        "USE_SHARED_PORT = False",
        "MOUNT_UNDER_SCRATCH =",
        "## Daemons on one host take each other for one family (a shared session); these are not.",
        "SEC_USE_FAMILY_SESSION = False",
        `NUM_CPUS = ${hardware.cpus}`,
        `MEMORY = ${hardware.memoryMiB}`,
        "",
      ].join("\n"),
    );
    const condor = rootUser(root, "condor");
    for (const dir of [
      "var-lib-condor",
      "var-log-condor",
      "var-spool-condor",
      "run-condor",
      "run-lock-condor",
    ]) {
      await chown(join(hostTree, dir), condor.uid, condor.gid);
    }
    await mkdir(join(hostTree, "var-lib-condor", "execute"), { recursive: true });
    await chown(join(hostTree, "var-lib-condor", "execute"), condor.uid, condor.gid);
    for (const [name, text] of Object.entries(simulatorCommands(it))) {
      await writeFile(join(hostTree, "bin", name), text);
      await chmod(join(hostTree, "bin", name), 0o755);
    }
    await writeFile(join(hostTree, "cloud", "user-data"), userData, { mode: 0o700 });
    await writeFile(join(hostTree, "supervise"), SUPERVISOR, { mode: 0o755 });
    const environment = {
      PATH: `${it}/bin:${ROOT_PATH}`,
      HOME: "/root",
      LANG: "C.UTF-8",
      // Where "169.254.169.254" and AWS are for this machine (test plumbing, not user data).
      ANNEX_IMDS_ENDPOINT: imds.endpoint,
      AWS_EC2_METADATA_SERVICE_ENDPOINT: `${imds.endpoint}/`,
      AWS_ENDPOINT_URL: this.#options.endpoint,
    };
    await writeFile(
      join(hostTree, "environment"),
      `${Object.entries(environment)
        .map(([key, value]) => `${key}=${value}`)
        .join("\n")}\n`,
    );
    const consoleFd = openSync(join(hostTree, "console.log"), "a");
    let supervisor: ChildProcess;
    try {
      supervisor = spawn(
        "unshare",
        [
          "--mount",
          "--propagation",
          "private",
          "--pid",
          "--uts",
          "--fork",
          "--kill-child",
          "/bin/sh",
          join(hostTree, "supervise"),
          root,
          hostTree,
          it,
          join(hostTree, "environment"),
          instanceId,
        ],
        { stdio: ["pipe", consoleFd, consoleFd] },
      );
    } finally {
      closeSync(consoleFd);
    }
    supervisor.stdin?.on("error", () => {});
    const machine: Running = {
      instanceId,
      annexName,
      instanceType,
      state: "booting",
      bootstrapStatus: undefined,
      hostTree,
      supervisor,
      imds,
      exited: new Promise<void>((resolve) => {
        supervisor.on("close", () => {
          machine.state = "off";
          resolve();
        });
        supervisor.on("error", () => resolve());
      }),
    };
    this.#running.set(instanceId, machine);
    this.#log(`${instanceId} (${annexName}, ${instanceType}): booting`);
    void this.#watchBoot(machine);
  }

  async #watchBoot(machine: Running): Promise<void> {
    const statusFile = join(machine.hostTree, "bootstrap.status");
    while (machine.state === "booting") {
      const text = await readFile(statusFile, "utf8").catch(() => undefined);
      if (text !== undefined) {
        machine.bootstrapStatus = Number(text.trim());
        if (machine.state === "booting") machine.state = "running";
        this.#log(`${machine.instanceId}: bootstrap exited with ${machine.bootstrapStatus}`);
        return;
      }
      await new Promise((wake) => setTimeout(wake, 200));
    }
  }

  async #powerOff(machine: Running, why: string): Promise<void> {
    if (!this.#running.has(machine.instanceId)) return;
    this.#log(`${machine.instanceId}: powering off (${why})`);
    if (machine.supervisor.exitCode === null && machine.supervisor.signalCode === null) {
      machine.supervisor.stdin?.end();
      const timer = setTimeout(() => {
        this.#log(
          `${machine.instanceId}: still running ${POWER_OFF_GRACE_MS / 1000} s after power-off; killed`,
        );
        machine.supervisor.kill("SIGKILL");
      }, POWER_OFF_GRACE_MS);
      await machine.exited;
      clearTimeout(timer);
    }
    await machine.imds.close();
    this.#running.delete(machine.instanceId);
    // The machine is gone; its disk goes with it (ANNEX_KEEP_INSTANCES=1 keeps it for a post-mortem).
    if (process.env.ANNEX_KEEP_INSTANCES !== "1")
      await rm(machine.hostTree, { recursive: true, force: true });
  }

  /** What the simulator did (boots, power-offs, kills), with times: for failure messages. */
  history(): string {
    return this.#events.join("\n");
  }

  /** The bootstrap's output of an instance (for failure messages). */
  bootstrapLog(instanceId: string): string {
    return this.#file(instanceId, "bootstrap.log");
  }

  /** What went on in every machine: bootstrap output and the tails of its HTCondor logs. */
  diagnostics(): string {
    return [...this.#running.values()]
      .map((m) =>
        [
          `=== ${m.instanceId} (${m.annexName}, ${m.instanceType}, ${m.state}, bootstrap ${m.bootstrapStatus ?? "running"})`,
          this.#file(m.instanceId, "bootstrap.log"),
          "--- MasterLog",
          this.#file(m.instanceId, "var-log-condor/MasterLog").split("\n").slice(-25).join("\n"),
          "--- StartLog",
          this.#file(m.instanceId, "var-log-condor/StartLog").split("\n").slice(-25).join("\n"),
        ].join("\n"),
      )
      .join("\n");
  }

  #file(instanceId: string, name: string): string {
    const machine = this.#running.get(instanceId);
    if (machine === undefined) return "(no such instance)";
    try {
      return readFileSync(join(machine.hostTree, name), "utf8");
    } catch {
      return `(no ${name})`;
    }
  }

  /** Stops polling and powers every machine off; nothing is left running. */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer !== undefined) clearInterval(this.#timer);
    await this.#syncing?.catch(() => undefined);
    await Promise.all(
      [...this.#running.values()].map((machine) => this.#powerOff(machine, "simulator stopped")),
    );
    await this.#clients.destroy();
  }
}
