import { mkdtempSync, mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { scanPaths } from "../../node/scan-paths.js";
import { defaultPolicy } from "../../policy/default.js";

describe("FS001 symlink escapes root", () => {
  const dir = mkdtempSync(join(tmpdir(), "modelvet-fs001-"));
  const model = join(dir, "model");
  mkdirSync(model);
  writeFileSync(join(model, "weights.txt"), "hello\n");
  writeFileSync(join(dir, "outside.txt"), "secret\n");
  symlinkSync("../outside.txt", join(model, "escape.bin"));
  symlinkSync("weights.txt", join(model, "alias.txt"));

  it("reports a link that leaves the scanned folder and does not follow it", async () => {
    const report = await scanPaths([model], { policy: defaultPolicy() });
    const escape = report.files.find((f) => f.path.endsWith("escape.bin"));
    expect(escape?.findings.map((f) => f.ruleId)).toEqual(["FS001"]);
    expect(escape?.verdict).toBe("suspicious");
    // Fail closed: the unscanned target is an error too, so the gate fails even at --fail-on high.
    expect(escape?.errors.map((e) => e.code)).toEqual(["not-followed"]);
  });
  it("only notes a link that stays inside the folder", async () => {
    const report = await scanPaths([model], { policy: defaultPolicy() });
    const alias = report.files.find((f) => f.path.endsWith("alias.txt"));
    expect(alias?.findings).toEqual([]);
    expect(alias?.verdict).toBe("clean");
  });
});
