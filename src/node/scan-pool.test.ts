import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DEFAULT_POLICY_DATA } from "../policy/default.js";
import { PickleBuilder as P } from "../test-support/pickle-builder.js";

// Worker threads run compiled code: these tests use the build (npm ci / npm run build makes it).
const built = new URL("../../dist/node/scan-pool.js", import.meta.url);
type PoolModule = typeof import("./scan-pool.js");
type Entry = import("./scan-paths.js").Entry;

describe.skipIf(!existsSync(built))("scan pool (worker threads, from dist/)", () => {
  const dir = mkdtempSync(join(tmpdir(), "modelvet-pool-"));
  const file = (name: string, bytes: Uint8Array): Entry => {
    writeFileSync(join(dir, name), bytes);
    return { kind: "file", path: name, absolute: Buffer.from(join(dir, name)), root: Buffer.from(dir), named: true };
  };

  it("scans files on worker threads with the same verdicts as in-process", async () => {
    const { ScanPool } = (await import(built.href)) as PoolModule;
    const pool = new ScanPool({ policyLayers: [DEFAULT_POLICY_DATA], size: 2 });
    try {
      const [{ report: bad }, { report: good }] = await Promise.all([
        pool.scan({ entry: file("bad.pkl", P.call("os", "system", "id")) }),
        pool.scan({ entry: file("good.pkl", new P().proto(2).raw(0x4e).stop().toBytes()) }),
      ]);
      expect(bad.verdict).toBe("unsafe");
      expect(bad.findings.map((f) => f.ruleId)).toContain("PKL001");
      expect(good.verdict).toBe("clean");
    } finally {
      await pool.close();
    }
  });

  it("scans small files in batches: every file gets its own report, in order, malicious ones found", async () => {
    const { ScanPool } = (await import(built.href)) as PoolModule;
    const pool = new ScanPool({ policyLayers: [DEFAULT_POLICY_DATA], size: 2 });
    try {
      const entries = Array.from({ length: 40 }, (_, i) => {
        const bytes = i % 7 === 3 ? P.call("os", "system", `id${i}`) : new P().proto(2).raw(0x4e).stop().toBytes();
        return { ...file(`batch${i}.pkl`, bytes), size: bytes.length };
      });
      const results = await Promise.all(entries.map((entry) => pool.scan({ entry })));
      expect(results.map((r) => r.report.path)).toEqual(entries.map((e) => e.path));
      results.forEach((r, i) => expect(r.report.verdict).toBe(i % 7 === 3 ? "unsafe" : "clean"));
    } finally {
      await pool.close();
    }
  });

  it("prewarmed and then limited to fewer workers, it still scans every file with its own verdict", async () => {
    const { ScanPool } = (await import(built.href)) as PoolModule;
    const pool = new ScanPool({ policyLayers: [DEFAULT_POLICY_DATA], size: 3 });
    try {
      pool.prewarm();
      pool.limitTo(1);
      expect(pool.size).toBe(1);
      const entries = [P.call("os", "system", "id"), new P().proto(2).raw(0x4e).stop().toBytes()].map((bytes, i) => ({ ...file(`warm${i}.pkl`, bytes), size: bytes.length }));
      const results = await Promise.all(entries.map((entry) => pool.scan({ entry })));
      expect(results.map((r) => r.report.verdict)).toEqual(["unsafe", "clean"]);
    } finally {
      await pool.close();
    }
  });

  it("a batch whose worker runs out of heap: each file is retried alone and gets its own report", async () => {
    const { ScanPool } = (await import(built.href)) as PoolModule;
    const pool = new ScanPool({ policyLayers: [DEFAULT_POLICY_DATA], size: 1, heapMb: 4 });
    try {
      const bytes = P.call("os", "system", "id");
      const entries = Array.from({ length: 3 }, (_, i) => ({ ...file(`oom${i}.pkl`, bytes), size: bytes.length }));
      const results = await Promise.all(entries.map((entry) => pool.scan({ entry })));
      expect(results.map((r) => r.report.path)).toEqual(["oom0.pkl", "oom1.pkl", "oom2.pkl"]);
      for (const r of results) {
        expect(r.report.verdict).toBe("error");
        expect(r.report.errors[0]?.message).toContain("WORKER_HEAP_MB");
      }
    } finally {
      await pool.close();
    }
  });

  it("a worker that runs out of heap costs only that file's verdict (error), and the next file still gets a report", async () => {
    const { ScanPool } = (await import(built.href)) as PoolModule;
    // 4 MB of heap is less than loading the engine takes: every job exhausts its worker.
    const pool = new ScanPool({ policyLayers: [DEFAULT_POLICY_DATA], size: 1, heapMb: 4 });
    try {
      const { report: first } = await pool.scan({ entry: file("first.pkl", P.call("os", "system", "id")) });
      expect(first.verdict).toBe("error");
      expect(first.errors[0]?.message).toContain("WORKER_HEAP_MB");
      const { report: second } = await pool.scan({ entry: file("second.pkl", P.call("os", "system", "id")) });
      expect(second.path).toBe("second.pkl");
      expect(second.verdict).toBe("error");
    } finally {
      await pool.close();
    }
  });

  it("takes over the worker the bin started early, tells it the policy, and scans with it", async () => {
    const spawn = (await import(new URL("../../dist/node/scan-worker-spawn.js", import.meta.url).href)) as typeof import("./scan-worker-spawn.js");
    const { ScanPool } = (await import(built.href)) as PoolModule;
    spawn.startEarlyWorker();
    // PKL001 turned off by the pool's own policy layer: the early worker must scan under it.
    const quiet = { version: 1 as const, rules: { PKL001: "off" as const } };
    const pool = new ScanPool({ policyLayers: [DEFAULT_POLICY_DATA, quiet], size: 1 });
    try {
      const [{ report: bad }, { report: good }] = await Promise.all([
        pool.scan({ entry: file("early-bad.pkl", P.call("os", "system", "id")) }),
        pool.scan({ entry: file("early-good.pkl", new P().proto(2).raw(0x4e).stop().toBytes()) }),
      ]);
      expect(bad.errors).toEqual([]);
      expect(bad.findings.map((f) => f.ruleId)).not.toContain("PKL001");
      expect(good.verdict).toBe("clean");
      // It was taken: nothing is left for a second pool.
      expect(spawn.takeEarlyWorker(spawn.WORKER_HEAP_MB, { policyLayers: [] })).toBeUndefined();
    } finally {
      await pool.close();
    }
  });

  it("stops an early worker made with another heap limit than the pool's, rather than use it", async () => {
    const spawn = (await import(new URL("../../dist/node/scan-worker-spawn.js", import.meta.url).href)) as typeof import("./scan-worker-spawn.js");
    spawn.startEarlyWorker();
    expect(spawn.takeEarlyWorker(spawn.WORKER_HEAP_MB + 1, { policyLayers: [] })).toBeUndefined();
    expect(spawn.takeEarlyWorker(spawn.WORKER_HEAP_MB, { policyLayers: [] })).toBeUndefined(); // gone, not kept
  });
});

describe("which scans get a worker", () => {
  it("scans a lone file of at most IN_PROCESS_MAX_BYTES in this thread, and everything else on workers", async () => {
    const { scansInThread, IN_PROCESS_MAX_BYTES } = await import("./scan-paths.js");
    expect(scansInThread([])).toBe(true);
    expect(scansInThread([IN_PROCESS_MAX_BYTES])).toBe(true);
    expect(scansInThread([IN_PROCESS_MAX_BYTES + 1])).toBe(false);
    // A size the walk did not learn is treated as large.
    expect(scansInThread([undefined])).toBe(false);
    expect(scansInThread([10, 10])).toBe(false);
  });
});
