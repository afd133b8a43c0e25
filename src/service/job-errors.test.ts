import { describe, expect, it } from "vitest";
import { classifyFailure, decodeFailure, encodeFailure, JobError } from "./job-errors.js";
import { jobIdOf, jobKeyOf } from "./job-keys.js";
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
});
