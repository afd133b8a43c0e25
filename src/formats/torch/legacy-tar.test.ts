import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { MemorySource } from "../../core/byte-source.js";
import { testScanContext } from "../../test-support/scan-context.js";
import { everySource } from "../../test-support/stingy-source.js";
import { TORCH_PICKLE } from "./pickle-member.js";
import { analyzeLegacyTar, sniffLegacyTar } from "./legacy-tar.js";
import type { TorchDocument } from "./types.js";

const fixture = (rel: string): Uint8Array => readFileSync(new URL(`../../../fixtures/torch/${rel}`, import.meta.url));

describe.each(["memory", "stingy"])("the pre-0.1.10 tar checkpoint through a %s source", (kind) => {
  const run = async (bytes: Uint8Array) => {
    const analysis = await analyzeLegacyTar(everySource(bytes).find((s) => s.name === kind)!.make(), testScanContext());
    return { analysis, torch: analysis?.also?.[0]?.document as TorchDocument | undefined };
  };

  it("walks storages and tensors by their recorded sizes and checks the object's keys", async () => {
    const { analysis, torch } = await run(fixture("benign/legacy_tar.pt"));
    expect(analysis?.format).toBe("tar");
    expect(torch).toMatchObject({ format: "pytorch-legacy-tar", layoutProblems: [], storageProblems: [], oddIds: [] });
    expect(torch?.storages).toMatchObject([{ key: "1", storageType: "torch.FloatStorage", elementSize: 4, numel: 4 }]);
    expect(analysis?.members?.filter((m) => m.forceFormat === TORCH_PICKLE).map((m) => m.path)).toEqual(["pickle", "storages", "tensors"]);
  });

  it("reports a member that is a link (torch extracts and opens it)", async () => {
    const { torch } = await run(fixture("hostile/pt006_legacy_tar_symlink.pt"));
    expect(torch?.layoutProblems).toMatchObject([{ code: "tar-member-link", evidence: "/etc/hostname" }]);
  });
});

describe("sniffLegacyTar", () => {
  it("wants the ustar magic and one of torch's member names first", async () => {
    expect(sniffLegacyTar(fixture("benign/legacy_tar.pt").subarray(0, 4096))).toBe(true);
    const other = fixture("benign/legacy_tar.pt").slice(0, 4096);
    other.set(new TextEncoder().encode("notes.txt\0"), 0);
    expect(sniffLegacyTar(other)).toBe(false);
    expect(await analyzeLegacyTar(new MemorySource(new Uint8Array(1024)), testScanContext())).toBeUndefined();
  });
});
