import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadTrustedRoot } from "./trust-root.js";

/** Temp folders made by this file, removed when it is done (/tmp is shared). */
const temps: string[] = [];
afterAll(() => temps.forEach((dir) => rmSync(dir, { recursive: true, force: true })));
function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  temps.push(dir);
  return dir;
}

describe("Sigstore trusted root", () => {
  it("ships the pinned public-good root (offline, no TUF refresh)", async () => {
    const root = await loadTrustedRoot();
    expect(root.mediaType).toBe("application/vnd.dev.sigstore.trustedroot+json;version=0.1");
    expect(JSON.stringify(root.tlogs)).toContain("https://rekor.sigstore.dev");
  });
  it("reads a replacement from --trust-root and refuses other JSON", async () => {
    const dir = tempDir("modelvet-root-");
    writeFileSync(join(dir, "root.json"), JSON.stringify({ mediaType: "application/vnd.dev.sigstore.trustedroot+json;version=0.1", tlogs: [] }));
    expect((await loadTrustedRoot(join(dir, "root.json"))).tlogs).toEqual([]);
    writeFileSync(join(dir, "bad.json"), "{}");
    await expect(loadTrustedRoot(join(dir, "bad.json"))).rejects.toThrow(/is not a Sigstore trusted_root\.json/);
    await expect(loadTrustedRoot(join(dir, "none.json"))).rejects.toThrow(/cannot read the trust root .*no such file/);
  });
});
