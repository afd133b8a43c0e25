import { createHash } from "node:crypto";
import type { ScanJob } from "./jobs.js";

/**
 * The verdict key a job is deduplicated by: `digest|policyDigest|toolVersion` (the gate's cache key)
 * when the digest is known, else `repo@commit:path|policyDigest|toolVersion`, which names the same
 * bytes because the revision is a commit sha.
 */
export function jobKeyOf(job: ScanJob, toolVersion: string): string {
  const what = job.digest ?? `${job.repo}@${job.revision}:${job.path}`;
  return `${what}|${job.policyDigest}|${toolVersion}`;
}

export function verdictKeyOf(digest: string, policyDigest: string, toolVersion: string): string {
  return `${digest}|${policyDigest}|${toolVersion}`;
}

/**
 * The BullMQ job id of a key: a hash, because BullMQ refuses `:` in ids and repo paths hold any
 * character. Two jobs for one key share an id, so BullMQ itself turns the second into the first.
 */
export function jobIdOf(key: string): string {
  return `v${createHash("sha256").update(key).digest("hex").slice(0, 40)}`;
}
