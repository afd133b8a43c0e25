import { UpstreamError } from "./vet.js";

/**
 * Transient failures are retried with backoff (network errors, upstream 5xx and 429, a store that
 * is down, a worker that lacks the job's policy); permanent ones go to the dead-letter state at
 * once (404, a digest that does not match, a file that keeps killing workers).
 */
export type FailureKind = "transient" | "permanent";

/** A job that failed, with the status the gate answers and whether trying again can help. */
export class JobError extends Error {
  constructor(
    message: string,
    readonly kind: FailureKind,
    /** HTTP status the gate answers a waiting pull with. */
    readonly status: number,
    /** Error code for the gate's `X-Error-Code` (the hub's, e.g. EntryNotFound, when it gave one). */
    readonly code: string,
  ) {
    super(message);
    this.name = "JobError";
  }
}

/** The queue (Redis) cannot be reached: the gate answers 503, never a pass. */
export class QueueUnavailableError extends Error {
  readonly status = 503;
  constructor(message: string) {
    super(message);
    this.name = "QueueUnavailableError";
  }
}

/** Decides whether `error`, thrown while running a job, is worth a retry. */
export function classifyFailure(error: unknown): JobError {
  if (error instanceof JobError) return error;
  if (error instanceof UpstreamError) {
    const transient = error.status === 429 || error.status >= 500;
    return new JobError(error.message, transient ? "transient" : "permanent", error.status, error.code ?? (transient ? "UpstreamError" : "UpstreamRefused"));
  }
  const message = error instanceof Error ? error.message : String(error);
  // Anything else (the store, the network below fetch) is taken as transient: bounded retries cost
  // little, and a lasting cause still ends in the dead-letter state once the attempts run out.
  return new JobError(message, "transient", 503, "JobFailed");
}

const PREFIX = /^\[modelvet (transient|permanent) (\d{3}) ([A-Za-z]+)\] /;

/** The failure as BullMQ stores it (`failedReason` is a string): kind, status and code travel in a prefix. */
export function encodeFailure(error: JobError): string {
  return `[modelvet ${error.kind} ${error.status} ${error.code}] ${error.message}`;
}

/**
 * A BullMQ `failedReason` back as a JobError. Reasons BullMQ writes itself (a job that stalled more
 * than `maxStalledCount` times: its worker died each time) are permanent: the file is poison.
 */
export function decodeFailure(reason: string): JobError {
  const match = PREFIX.exec(reason);
  if (match) return new JobError(reason.slice(match[0].length), match[1] as FailureKind, Number(match[2]), match[3] as string);
  if (/stalled more than allowable limit/.test(reason)) {
    return new JobError(`Every worker that took this file died before finishing it (${reason}); dead-lettered as a poison file, not served`, "permanent", 502, "PoisonFile");
  }
  return new JobError(reason, "permanent", 502, "JobFailed");
}
