import { describe, expect, it } from "vitest";
import { instanceTypeInfoFrom } from "../../src/aws/annex-cloud.js";

describe("instanceTypeInfoFrom", () => {
  it("turns EC2's description into HTCondor units and spellings", () => {
    expect(
      instanceTypeInfoFrom({
        InstanceType: "g5.2xlarge",
        VCpuInfo: { DefaultVCpus: 8 },
        MemoryInfo: { SizeInMiB: 32_768 },
        GpuInfo: { Gpus: [{ Count: 1, Name: "A10G" }] },
        ProcessorInfo: { SupportedArchitectures: ["x86_64"] },
        InstanceStorageInfo: { TotalSizeInGB: 450 },
      }),
    ).toEqual({
      name: "g5.2xlarge",
      cpus: 8,
      memoryMiB: 32_768,
      gpus: 1,
      arch: "X86_64",
      diskKiB: 450 * 1024 * 1024,
    });
  });

  it("spells Graviton types aarch64 and gives no disk when there is no instance storage", () => {
    expect(
      instanceTypeInfoFrom({
        InstanceType: "m7g.large",
        VCpuInfo: { DefaultVCpus: 2 },
        MemoryInfo: { SizeInMiB: 8192 },
        ProcessorInfo: { SupportedArchitectures: ["arm64"] },
      }),
    ).toEqual({ name: "m7g.large", cpus: 2, memoryMiB: 8192, gpus: 0, arch: "aarch64" });
  });

  it("refuses a description without CPUs or memory", () => {
    expect(instanceTypeInfoFrom({ InstanceType: "m6i.large" })).toBeUndefined();
  });
});
