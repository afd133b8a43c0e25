import { describe, expect, it } from "vitest";
import { classifyFailure, decodeFailure, encodeFailure, JobError } from "./job-errors.js";
import { jobIdOf, jobKeyOf } from "./job-keys.js";
import type { JobOutcome } from "./jobs.js";
import { LocalQueue } from "./queue-local.js";
import { UpstreamError } from "./vet.js";

const job = { repo: "acme/m", revision: "a".repeat(40), path: "w/model.bin", policyDigest: "p".repeat(64), origin: "gate" };

describe("job failures", () => {
  it("retries upstream 5xx and 429, and dead-letters the upstream's 4xx with its code", () => {
    expect(classifyFailure(new UpstreamError("down", 502, undefined))).toMatchObject({ kind: "transient", status: 502, code: "UpstreamError" });
    expect(classifyFailure(new UpstreamError("slow down", 429, undefined))).toMatchObject({ kind: "transient", status: 429 });
    expect(classifyFailure(new UpstreamError("gone", 404, "EntryNotFound"))).toMatchObject({ kind: "permanent", status: 404, code: "EntryNotFound" });
    // An error of unknown cause (the store, a socket) is retried: bounded attempts end in the dead-letter state anyway.
    expect(classifyFailure(new Error("SQLITE_BUSY"))).toMatchObject({ kind: "transient", status: 503 });
  });

  it("carries kind, status and code through BullMQ's failedReason string", () => {
    const failure = new JobError("acme/m/x is sha256:1 on the upstream, not sha256:2", "permanent", 502, "DigestMismatch");
    expect(decodeFailure(encodeFailure(failure))).toMatchObject({ kind: "permanent", status: 502, code: "DigestMismatch", message: failure.message });
  });

  it("reads BullMQ's own stalled reason as a poison file, permanent", () => {
    expect(decodeFailure("job stalled more than allowable limit")).toMatchObject({ kind: "permanent", code: "PoisonFile", status: 502 });
  });
});

describe("job keys", () => {
  it("keys by digest when known, else by commit and path, and makes ids BullMQ accepts", () => {
    expect(jobKeyOf({ ...job, digest: "sha256:ab" }, "1.0")).toBe(`sha256:ab|${job.policyDigest}|1.0`);
    expect(jobKeyOf(job, "1.0")).toBe(`acme/m@${job.revision}:w/model.bin|${job.policyDigest}|1.0`);
    const id = jobIdOf(jobKeyOf(job, "1.0"));
    expect(id).toMatch(/^v[0-9a-f]{40}$/);
    expect(jobIdOf(jobKeyOf({ ...job, policyDigest: "q".repeat(64) }, "1.0"))).not.toBe(id);
  });
});

describe("LocalQueue (the embedded default)", () => {
  it("runs jobs with one key once however many wait, and counts them", async () => {
    let runs = 0;
    let finish = (): void => undefined;
    const queue = new LocalQueue(
      async () => {
        runs++;
        await new Promise<void>((resolve) => (finish = resolve));
        return { verdictKey: "k", verdict: "clean", allowed: true, fromStore: false };
      },
      { toolVersion: "1.0" },
    );
    const waiting = [queue.run(job, 10_000), queue.run(job, 10_000)];
    expect(await queue.enqueue([job])).toEqual({ queued: 0, joined: 1 });
    expect((await queue.counts()).active).toBe(1);
    finish();
    expect(await Promise.all(waiting)).toEqual([
      { verdictKey: "k", verdict: "clean", allowed: true, fromStore: false },
      { verdictKey: "k", verdict: "clean", allowed: true, fromStore: false },
    ]);
    expect(runs).toBe(1);
    expect(await queue.counts()).toMatchObject({ active: 0, completed: 1, failed: 0 });
    await queue.close();
  });

  it("passes a job's failure to every waiter", async () => {
    const queue = new LocalQueue(async () => Promise.reject(new JobError("gone", "permanent", 404, "EntryNotFound")), { toolVersion: "1.0" });
    await expect(queue.run(job, 10_000)).rejects.toMatchObject({ status: 404, code: "EntryNotFound" });
    expect((await queue.counts()).failed).toBe(1);
  });

  it("runs background jobs maxRunning at a time, joins by key in O(1), and tells a crawler when there is room and when it is idle", async () => {
    const gates: (() => void)[] = [];
    const queue = new LocalQueue(
      (j) =>
        new Promise<JobOutcome>((resolve, reject) => {
          gates.push(() => (j.path === "bad.bin" ? reject(new Error("boom")) : resolve({ verdictKey: j.path, verdict: "clean", allowed: true, fromStore: false })));
        }),
      { toolVersion: "1.0", maxRunning: 1 },
    );
    const jobs = ["a.bin", "b.bin", "bad.bin", "c.bin"].map((path) => ({ ...job, path }));
    expect(await queue.enqueue([...jobs, jobs[1]!])).toEqual({ queued: 4, joined: 1 });
    expect(await queue.counts()).toMatchObject({ active: 1, waiting: 3 });
    let room = false;
    void queue.waitForRoom(2).then(() => (room = true));
    let idle = false;
    void queue.idle().then(() => (idle = true));
    const step = async (): Promise<void> => {
      gates.shift()?.();
      for (let i = 0; i < 5; i++) await Promise.resolve();
    };
    await step(); // a done, b starts: 2 wait, still no room below 2
    expect(room).toBe(false);
    await step(); // b done, bad starts: 1 waits
    expect(room).toBe(true);
    await step(); // bad fails, c starts
    await step(); // c done
    await new Promise((r) => setTimeout(r, 0));
    expect(idle).toBe(true);
    expect(queue.failures).toEqual(["acme/m/bad.bin: boom"]);
    expect(await queue.counts()).toMatchObject({ active: 0, waiting: 0, completed: 3, failed: 1 });
  });
});
