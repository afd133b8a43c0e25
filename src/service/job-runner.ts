import type { FileReport } from "../core/finding.js";
import { JobError, classifyFailure } from "./job-errors.js";
import { verdictKeyOf } from "./job-keys.js";
import type { FileResult, JobOutcome, ResultStore, ScanJob } from "./jobs.js";
import type { Metrics } from "./metrics.js";
import type { PolicyBook } from "./policy-book.js";
import type { StoredVerdict, VerdictStore } from "./store.js";
import { verdictRecord, type PolicyContext, type ResolvedFile, type Vetter } from "./vet.js";

/** Scans one resolved file under one policy: in this process (the embedded gate) or on a worker thread (`modelvet worker`). */
export type ScanFile = (file: ResolvedFile, name: string, policy: PolicyContext) => Promise<FileReport>;

export interface JobRunnerOptions {
  vetter: Vetter;
  /** A store with the ResultStore methods also records one FileResult per job (queries by repo and by rule). */
  store: VerdictStore & Partial<ResultStore>;
  policies: PolicyBook;
  toolVersion: string;
  scan: ScanFile;
  metrics?: Metrics;
  /**
   * Runs `work` while no other process runs work for `key` (workers: a lock in Redis). Jobs made
   * without a digest have ids of their own, so two of them may turn out to hold the same bytes:
   * the lock keeps them from scanning it twice at once.
   */
  exclusive?: <T>(key: string, work: () => Promise<T>) => Promise<T>;
}

/**
 * What one job does, wherever it runs: answer from storage when the verdict is known, else resolve
 * the file on the upstream, scan it, store the verdict, and say what happened. Failures come out
 * as a JobError that says whether a retry can help.
 *
 * @example
 * const runner = new JobRunner({ vetter, store, policies, toolVersion: VERSION, scan: (f, n, p) => vetter.scanFile(f, n, p) });
 * const outcome = await runner.run(job);
 */
export class JobRunner {
  constructor(private readonly options: JobRunnerOptions) {}

  /** Runs `job`; `held` is the file when the caller resolved it already (the embedded gate), to spare a second fetch. */
  async run(job: ScanJob, held?: ResolvedFile): Promise<JobOutcome> {
    try {
      return await this.runOrThrow(job, held);
    } catch (error) {
      throw classifyFailure(error);
    }
  }

  private async runOrThrow(job: ScanJob, held: ResolvedFile | undefined): Promise<JobOutcome> {
    const { store, toolVersion } = this.options;
    const policy = await this.options.policies.lookup(job.policyDigest);
    // Transient: a worker started without the gate's --policy is fixed by restarting it, and another worker may know the policy.
    if (!policy) throw new JobError(`No policy with digest ${job.policyDigest} is known to this worker (give it the gate's --policy, and the same --db for token policies)`, "transient", 503, "UnknownPolicy");
    if (job.digest !== undefined) {
      const stored = await store.getVerdict(verdictKeyOf(job.digest, job.policyDigest, toolVersion));
      if (stored) return this.finish(job, stored, true);
    }
    const file = held ?? (await this.options.vetter.resolve(job));
    if (job.digest !== undefined && file.digest !== job.digest) {
      throw new JobError(`${job.repo}/${job.path} at ${job.revision} is ${file.digest} on the upstream, not ${job.digest} as the job says; not scanned`, "permanent", 502, "DigestMismatch");
    }
    const key = verdictKeyOf(file.digest, policy.digest, toolVersion);
    const scanOnce = (): Promise<JobOutcome> => this.scanAndStore(job, file, key, policy);
    return this.options.exclusive ? this.options.exclusive(key, scanOnce) : scanOnce();
  }

  private async scanAndStore(job: ScanJob, file: ResolvedFile, key: string, policy: PolicyContext): Promise<JobOutcome> {
    const { store, toolVersion, metrics } = this.options;
    // Looked up again under the lock: the worker that held it may have stored the verdict meanwhile.
    const stored = await store.getVerdict(key);
    if (stored) return this.finish(job, stored, true);
    const name = `${job.repo}/${job.path}`;
    const report = await this.options.scan(file, name, policy);
    if (report.bytesFetched !== undefined) metrics?.add("modelvet_gate_bytes_fetched_for_scan_total", {}, report.bytesFetched);
    // An I/O failure says nothing about the content: a transient failure, and nothing is stored.
    const io = report.errors.find((e) => e.code === "io-error");
    if (io) {
      metrics?.add("modelvet_gate_upstream_errors_total");
      throw new JobError(`Cannot vet ${name}: ${io.message}`, "transient", 502, "UpstreamError");
    }
    metrics?.add("modelvet_gate_scans_total", { verdict: report.verdict });
    const verdict = verdictRecord(key, file.digest, policy, toolVersion, report);
    await store.putVerdict(verdict);
    return this.finish(job, verdict, false);
  }

  private async finish(job: ScanJob, verdict: StoredVerdict, fromStore: boolean): Promise<JobOutcome> {
    const { store } = this.options;
    if (store.recordFileResult) {
      const result: FileResult = {
        repo: job.repo,
        revision: job.revision,
        path: job.path,
        digest: verdict.digest,
        verdictKey: verdict.key,
        verdict: verdict.verdict,
        rules: verdict.rules,
        scannedAt: new Date().toISOString(),
      };
      if (job.origin.startsWith("crawl:")) result.crawlId = job.origin.slice("crawl:".length);
      await store.recordFileResult(result);
    }
    return { verdictKey: verdict.key, verdict: verdict.verdict, allowed: verdict.allowed, fromStore };
  }
}
