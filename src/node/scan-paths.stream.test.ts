// Folders are handed to the worker pool while they are still being walked (issue 14). The reports
// must not depend on that: same verdicts, same order (walk order, arguments in the order given),
// the same as a scan in this thread, and progress that ends at the number of entries.
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const built = new URL("../../dist/node/scan-paths.js", import.meta.url);
type ScanPathsModule = typeof import("./scan-paths.js");
const fixture = (name: string): string => new URL(`../../fixtures/pickle/${name}`, import.meta.url).pathname;

/** 300 files over nested folders: benign pickles, one malicious pickle deep down, text, a link. */
function folder(): string {
  const root = mkdtempSync(join(tmpdir(), "modelvet-stream-"));
  const benign = ["benign/data_proto2.pkl", "benign/data_proto4.pkl", "benign/sklearn_logreg_proto4.pkl"];
  for (let d = 0; d < 5; d++) {
    const dir = join(root, `part-${d}`, "inner");
    mkdirSync(dir, { recursive: true });
    for (let i = 0; i < 58; i++) copyFileSync(fixture(benign[i % benign.length] as string), join(dir, `m${String(i).padStart(3, "0")}.pkl`));
    writeFileSync(join(root, `part-${d}`, "README.md"), "# weights\n");
  }
  copyFileSync(fixture("malicious/builtins_eval_proto0.pkl"), join(root, "part-3", "inner", "zz-evil.pkl"));
  symlinkSync("/etc/passwd", join(root, "part-4", "outside"));
  return root;
}

const withoutTimes = (report: { files: { millis?: number }[] }): unknown => ({ ...report, files: report.files.map((f) => ({ ...f, millis: 0 })) });

describe.skipIf(!existsSync(built))("scanPaths hands files to the pool while it walks", () => {
  it("gives the same report as a scan in this thread, in walk order, with progress ending at the entry count", async () => {
    const { scanPaths } = (await import(built.href)) as ScanPathsModule;
    const root = folder();
    const lone = fixture("benign/data_proto0.pkl");
    const progress: [number, number][] = [];
    const pooled = await scanPaths([lone, root, lone], { workers: 2, onProgress: (done, total) => progress.push([done, total]) });
    const inThread = await scanPaths([lone, root, lone], { isolate: false });

    expect(withoutTimes(pooled)).toEqual(withoutTimes(inThread));
    const paths = pooled.files.map((f) => f.path);
    expect(paths.length).toBe(1 + 5 * 59 + 1 + 1 + 1);
    expect(paths[0]).toBe(lone);
    expect(paths.at(-1)).toBe(lone);
    // Walk order: a folder's own entries by name, then its subfolders'.
    expect(paths.indexOf(join(root, "part-4", "outside"))).toBeLessThan(paths.indexOf(join(root, "part-4", "inner", "m000.pkl")));
    expect(paths.indexOf(join(root, "part-0", "inner", "m057.pkl"))).toBeLessThan(paths.indexOf(join(root, "part-1", "README.md")));
    expect(pooled.files.find((f) => f.path.endsWith("zz-evil.pkl"))?.verdict).toBe("unsafe");
    expect(pooled.summary.unsafe).toBe(1);

    // Each entry reported once; the total may grow while the walk goes on, never shrinks, and ends right.
    expect(progress.map(([done]) => done)).toEqual(paths.map((_, i) => i + 1));
    for (let i = 1; i < progress.length; i++) expect((progress[i] as [number, number])[1]).toBeGreaterThanOrEqual((progress[i - 1] as [number, number])[1]);
    expect(progress.at(-1)).toEqual([paths.length, paths.length]);
  });
});
