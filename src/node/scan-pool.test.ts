import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DEFAULT_POLICY_DATA } from "../policy/default.js";
import { PickleBuilder as P } from "../test-support/pickle-builder.js";

// Worker threads run compiled code: these tests use the build (npm ci / npm run build makes it).
const built = new URL("../../dist/node/scan-pool.js", import.meta.url);
type PoolModule = typeof import("./scan-pool.js");
type SpawnModule = typeof import("./scan-worker-spawn.js");
type Entry = import("./scan-paths.js").Entry;

const EVIL = (arg = "id"): Uint8Array => P.call("os", "system", arg);
const BENIGN = new P().proto(2).raw(0x4e).stop().toBytes();

/** A pool from the build, closed after `body` whatever happens. */
async function withPool(options: import("./scan-pool.js").ScanPoolOptions, body: (pool: InstanceType<PoolModule["ScanPool"]>) => Promise<void>): Promise<void> {
  const { ScanPool } = (await import(built.href)) as PoolModule;
  const pool = new ScanPool(options);
  try {
    await body(pool);
  } finally {
    await pool.close();
  }
}

const spawnModule = async (): Promise<SpawnModule> => (await import(new URL("../../dist/node/scan-worker-spawn.js", import.meta.url).href)) as SpawnModule;

describe.skipIf(!existsSync(built))("scan pool (worker threads, from dist/)", () => {
  const dir = mkdtempSync(join(tmpdir(), "modelvet-pool-"));
  const file = (name: string, bytes: Uint8Array): Extract<Entry, { kind: "file" }> => {
    writeFileSync(join(dir, name), bytes);
    return { kind: "file", path: name, absolute: Buffer.from(join(dir, name)), root: Buffer.from(dir), named: true };
  };
  /** A file whose size the walk learned: small ones of these go to a worker in batches. */
  const sized = (name: string, bytes: Uint8Array): Entry => ({ ...file(name, bytes), size: bytes.length });

  it("scans files on worker threads with the same verdicts as in-process", () =>
    withPool({ policyLayers: [DEFAULT_POLICY_DATA], size: 2 }, async (pool) => {
      const [{ report: bad }, { report: good }] = await Promise.all([pool.scan({ entry: file("bad.pkl", EVIL()) }), pool.scan({ entry: file("good.pkl", BENIGN) })]);
      expect(bad.verdict).toBe("unsafe");
      expect(bad.findings.map((f) => f.ruleId)).toContain("PKL001");
      expect(good.verdict).toBe("clean");
    }));

  it("scans small files in batches: every file gets its own report, in order, malicious ones found", () =>
    withPool({ policyLayers: [DEFAULT_POLICY_DATA], size: 2 }, async (pool) => {
      const entries = Array.from({ length: 40 }, (_, i) => sized(`batch${i}.pkl`, i % 7 === 3 ? EVIL(`id${i}`) : BENIGN));
      const results = await Promise.all(entries.map((entry) => pool.scan({ entry })));
      expect(results.map((r) => r.report.path)).toEqual(entries.map((e) => e.path));
      results.forEach((r, i) => expect(r.report.verdict).toBe(i % 7 === 3 ? "unsafe" : "clean"));
    }));

  it("prewarmed and then limited to fewer workers, it still scans every file with its own verdict", () =>
    withPool({ policyLayers: [DEFAULT_POLICY_DATA], size: 3 }, async (pool) => {
      pool.prewarm();
      pool.limitTo(1);
      expect(pool.size).toBe(1);
      const entries = [EVIL(), BENIGN].map((bytes, i) => sized(`warm${i}.pkl`, bytes));
      const results = await Promise.all(entries.map((entry) => pool.scan({ entry })));
      expect(results.map((r) => r.report.verdict)).toEqual(["unsafe", "clean"]);
    }));

  it("a batch whose worker runs out of heap: each file is retried alone and gets its own report", () =>
    withPool({ policyLayers: [DEFAULT_POLICY_DATA], size: 1, heapMb: 4 }, async (pool) => {
      const entries = Array.from({ length: 3 }, (_, i) => sized(`oom${i}.pkl`, EVIL()));
      const results = await Promise.all(entries.map((entry) => pool.scan({ entry })));
      expect(results.map((r) => r.report.path)).toEqual(["oom0.pkl", "oom1.pkl", "oom2.pkl"]);
      for (const r of results) {
        expect(r.report.verdict).toBe("error");
        expect(r.report.errors[0]?.message).toContain("WORKER_HEAP_MB");
      }
    }));

  // 4 MB of heap is less than loading the engine takes: every job exhausts its worker.
  it("a worker that runs out of heap costs only that file's verdict (error), and the next file still gets a report", () =>
    withPool({ policyLayers: [DEFAULT_POLICY_DATA], size: 1, heapMb: 4 }, async (pool) => {
      const { report: first } = await pool.scan({ entry: file("first.pkl", EVIL()) });
      expect(first.verdict).toBe("error");
      expect(first.errors[0]?.message).toContain("WORKER_HEAP_MB");
      const { report: second } = await pool.scan({ entry: file("second.pkl", EVIL()) });
      expect(second.path).toBe("second.pkl");
      expect(second.verdict).toBe("error");
    }));

  it("takes over the worker the bin started early, tells it the policy, and scans with it", async () => {
    const spawn = await spawnModule();
    spawn.startEarlyWorker();
    // PKL001 turned off by the pool's own policy layer: the early worker must scan under it.
    const quiet = { version: 1 as const, rules: { PKL001: "off" as const } };
    await withPool({ policyLayers: [DEFAULT_POLICY_DATA, quiet], size: 1 }, async (pool) => {
      const [{ report: bad }, { report: good }] = await Promise.all([pool.scan({ entry: file("early-bad.pkl", EVIL()) }), pool.scan({ entry: file("early-good.pkl", BENIGN) })]);
      expect(bad.errors).toEqual([]);
      expect(bad.findings.map((f) => f.ruleId)).not.toContain("PKL001");
      expect(good.verdict).toBe("clean");
      // It was taken: nothing is left for a second pool.
      expect(spawn.takeEarlyWorker(spawn.WORKER_HEAP_MB, { policyLayers: [] })).toBeUndefined();
    });
  });

  it("stops an early worker made with another heap limit than the pool's, rather than use it", async () => {
    const spawn = await spawnModule();
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
