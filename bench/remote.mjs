// Remote scanning without downloading (issue 10): node bench/remote.mjs   (needs `npm run build`)
// Goal: a 10 GB safetensors and a multi-GB torch checkpoint served by the hub stand-in (LFS files
// redirected to its CDN origin) are vetted by `modelvet scan hf://…` reading well under 1 %.
// Files are sparse (headers, then holes) in a temp folder, deleted afterwards. Loopback only.
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { writeSparseSafetensors, writeSparseTorchZip } from "./sparse-models.mjs";
import { loadStandin } from "./standin.mjs";

const run = promisify(execFile);
const here = new URL(".", import.meta.url).pathname;
const bin = join(here, "../dist/cli/bin.js");
const GB = 1e9;
const GiB = 1024 ** 3;

const root = mkdtempSync(join(tmpdir(), "modelvet-bench-remote-"));
const cases = [
  { label: "10 GB safetensors", repo: "bench/big-safetensors", file: "model.safetensors", make: (p) => writeSparseSafetensors(p, 10 * GB) },
  { label: "1 GiB torch zip (1 storage)", repo: "bench/torch-1g", file: "pytorch_model.bin", make: (p) => writeSparseTorchZip(p, 1, GiB) },
  { label: "3 GiB torch zip (3 storages)", repo: "bench/torch-3g", file: "pytorch_model.bin", make: (p) => writeSparseTorchZip(p, 3, GiB) },
];
const { startHubStandin } = await loadStandin();
const rows = [];
try {
  for (const c of cases) c.size = c.make(join(root, c.repo, c.file));
  // Hashing 10 GB for the listing would dominate the bench; the hub hands out a stored digest too.
  const hub = await startHubStandin({ root, lfsOid: (repo) => `${Buffer.from(repo).toString("hex").padEnd(64, "0").slice(0, 64)}` });
  try {
    for (const c of cases) {
      const started = performance.now();
      const before = { ...hub.bytesServed };
      let stdout;
      try {
        ({ stdout } = await run(process.execPath, [bin, "scan", "--format", "json", `hf://${c.repo}`], { env: { ...process.env, HF_ENDPOINT: hub.url, HF_HUB_DISABLE_IMPLICIT_TOKEN: "1", HF_TOKEN: "" } }));
      } catch (error) {
        stdout = error.stdout;
      }
      const ms = performance.now() - started;
      const file = JSON.parse(stdout).files[0];
      const served = hub.bytesServed.hub + hub.bytesServed.cdn - before.hub - before.cdn;
      rows.push({
        bench: c.label,
        size_GB: +(file.size / GB).toFixed(2),
        fetched_KiB: +(file.bytesFetched / 1024).toFixed(1),
        served_KiB: +(served / 1024).toFixed(1),
        fetched_pct: +((file.bytesFetched / file.size) * 100).toFixed(5),
        wall_ms: Math.round(ms),
        verdict: file.verdict,
        formats: file.formats.join(","),
      });
    }
  } finally {
    await hub.close();
  }
} finally {
  rmSync(root, { recursive: true, force: true });
}
const t = performance.now();
await run(process.execPath, [bin, "--version"]);
console.table(rows);
console.log(`CLI start-up alone (modelvet --version): ${Math.round(performance.now() - t)} ms, included in wall_ms`);
const worst = Math.max(...rows.map((r) => r.fetched_pct));
console.log(worst < 1 ? `ok: at most ${worst} % of any file fetched` : `GOAL MISSED: ${worst} % fetched`);
