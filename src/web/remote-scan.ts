import { ByteSourceError } from "../core/byte-source.js";
import { verdictOf, type FileReport } from "../core/finding.js";
import { scanSource, type ScanOptions } from "../engine/scan.js";
import { formatHfRef, resolvePath, type HfRef } from "./hf-ref.js";
import { HttpSource, type FetchLike, type HttpLimits, type HttpObjectInfo } from "./http-source.js";
import { listHubFiles, type HubApiLimits, type HubFile } from "./hub-api.js";

export interface RemoteScanOptions extends Omit<ScanOptions, "onDocument"> {
  /** Hub base URL (`HF_ENDPOINT`). */
  endpoint: string;
  /** Hub token (`HF_TOKEN`): sent to the endpoint's origin only, never to the CDN it redirects to. */
  token?: string;
  fetch?: FetchLike;
  sleep?: (millis: number) => Promise<void>;
  http?: Partial<HttpLimits>;
  hubApi?: Partial<HubApiLimits>;
  /** Files scanned at once. */
  concurrency?: number;
  onProgress?: (done: number, total: number, path: string) => void;
  /** Once the listing is in, before any file is read: the commit scanned and how many files it has. */
  onListed?: (listing: { repo: string; commit: string; files: number }) => void;
  /** Each file's report as it is done, in the order they finish (the result keeps the listing's). */
  onReport?: (report: FileReport) => void;
  /** Once aborted, no more files are started; scanHfRef rejects with the signal's reason when those running end. */
  signal?: AbortSignal;
}

/** A file report plus what the server said about the object (for the gate's digests). */
export interface RemoteFileResult {
  report: FileReport;
  info: HttpObjectInfo | undefined;
}

/**
 * Scans a model on a hub without downloading it: the listing comes from the hub API, and each
 * file is read through ranged requests only where the scan needs it. Every file is read at the
 * commit the revision resolved to, so a push during the scan cannot mix two versions.
 *
 * @example
 * const reports = await scanHfRef({ repo: "org/model", revision: "main", path: "" }, { endpoint: "https://huggingface.co" });
 */
export async function scanHfRef(ref: HfRef, options: RemoteScanOptions): Promise<FileReport[]> {
  const listing = await listHubFiles(ref, { endpoint: options.endpoint, token: options.token, fetch: options.fetch, sleep: options.sleep, limits: options.hubApi });
  const base = options.endpoint.replace(/\/+$/, "");
  options.onListed?.({ repo: listing.repo, commit: listing.commit, files: listing.files.length });
  const reports = new Array<FileReport>(listing.files.length);
  let next = 0;
  let done = 0;
  const worker = async (): Promise<void> => {
    while (next < listing.files.length && options.signal?.aborted !== true) {
      const index = next++;
      const file = listing.files[index] as HubFile;
      const display = formatHfRef({ repo: listing.repo, revision: listing.commit, path: file.path });
      const url = `${base}${resolvePath({ repo: listing.repo, revision: listing.commit }, file.path)}`;
      const { report } = await scanRemoteFile(url, { ...options, path: display, expectedSize: file.size });
      reports[index] = report;
      options.onReport?.(report);
      options.onProgress?.(++done, listing.files.length, display);
    }
  };
  const concurrency = Math.max(1, Math.min(options.concurrency ?? 4, listing.files.length));
  await Promise.all(Array.from({ length: concurrency }, worker));
  options.signal?.throwIfAborted();
  return reports;
}

/**
 * Scans one file at `url`. The token goes only to the hub endpoint's origin. Never throws for a
 * server or network problem: that is an `io-error` in the report, so the verdict fails closed.
 */
export async function scanRemoteFile(url: string, options: RemoteScanOptions & { path: string; expectedSize?: number }): Promise<RemoteFileResult> {
  const endpointOrigin = new URL(options.endpoint).origin;
  const authorization = options.token && new URL(url).origin === endpointOrigin ? `Bearer ${options.token}` : undefined;
  let source: HttpSource;
  try {
    source = await HttpSource.open(url, { fetch: options.fetch, sleep: options.sleep, limits: options.http, authorization, credentialOrigin: endpointOrigin });
  } catch (error) {
    if (!(error instanceof ByteSourceError)) throw error;
    return { report: errorReport(options.path, error.message), info: undefined };
  }
  if (options.expectedSize !== undefined && source.size !== options.expectedSize) {
    return { report: errorReport(options.path, `The hub listed ${options.expectedSize} bytes but the server holds ${source.size}: the file changed during scan; not scanned`), info: source.info };
  }
  const report = await scanSource(source, options);
  report.bytesFetched = source.stats.bytesFetched;
  report.notes.push(fetchedNote(source));
  report.verdict = verdictOf(report.findings, report.errors);
  return { report, info: source.info };
}

function fetchedNote(source: HttpSource): string {
  const { bytesFetched, requests } = source.stats;
  const share = source.size === 0 ? 100 : (bytesFetched / source.size) * 100;
  const how = source.info.ranged ? `${requests} HTTP request(s)` : "one whole download (the server does not support Range)";
  return `Fetched ${bytesFetched} of ${source.size} bytes (${share < 0.01 && bytesFetched < source.size ? "<0.01" : share.toFixed(2)} %) in ${how}.`;
}

function errorReport(path: string, message: string): FileReport {
  const errors = [{ code: "io-error", message, location: {} }];
  return { path, verdict: verdictOf([], errors), formats: [], findings: [], errors, notes: [] };
}

export { formatHfRef };
