import { readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { summarize, verdictOf, type FileReport, type ScanReport } from "../core/finding.js";
import { safeLine } from "../core/safe-text.js";
import type { Limits } from "../core/limits.js";
import type { Policy } from "../policy/policy.js";
import { defaultPolicy } from "../policy/default.js";
import type { HubApiError } from "../web/hub-api.js";
import { scanPaths } from "./scan-paths.js";
import { VERSION } from "./version.js";
import type { VerdictCache } from "./verdict-cache.js";

/** The public hub, as `huggingface_hub` defaults to it. */
export const DEFAULT_HF_ENDPOINT = "https://huggingface.co";

export type Env = Readonly<Record<string, string | undefined>>;

/** `HF_ENDPOINT`, as the Hugging Face clients read it (trailing slashes dropped). */
export function hfEndpoint(env: Env): string {
  const value = env.HF_ENDPOINT?.trim();
  return (value ? value : DEFAULT_HF_ENDPOINT).replace(/\/+$/, "");
}

/**
 * The token `huggingface_hub` would use: `HF_TOKEN`, else the file at `HF_TOKEN_PATH`, else
 * `$HF_HOME/token` (default `~/.cache/huggingface/token`). `HF_HUB_DISABLE_IMPLICIT_TOKEN` turns
 * the file lookup off, as it does there.
 */
export function hfToken(env: Env): string | undefined {
  const direct = env.HF_TOKEN?.trim() || env.HUGGING_FACE_HUB_TOKEN?.trim();
  if (direct) return direct;
  if (isTrue(env.HF_HUB_DISABLE_IMPLICIT_TOKEN)) return undefined;
  const home = env.HF_HOME ?? join(env.XDG_CACHE_HOME ?? join(homedir(), ".cache"), "huggingface");
  const path = env.HF_TOKEN_PATH ?? join(home, "token");
  try {
    const token = readFileSync(path, "utf8").trim();
    return token === "" ? undefined : token;
  } catch {
    return undefined;
  }
}

function isTrue(value: string | undefined): boolean {
  return value !== undefined && ["1", "true", "yes", "on"].includes(value.trim().toLowerCase());
}

export function isRemoteTarget(target: string): boolean {
  return target.startsWith("hf://") || target.startsWith("https://") || target.startsWith("http://");
}

export interface ScanTargetsOptions {
  /** Default: the default policy, as `scanSource`. */
  policy?: Policy;
  limits?: Partial<Limits>;
  env: Env;
  onProgress?: (done: number, total: number, path: string) => void;
  /** Local folders only: `--exclude` globs (see scanPaths). */
  exclude?: readonly string[];
  /** Local files only: `--cache` (see scanPaths). */
  cache?: VerdictCache;
  /** Local files only: the SHA-256 of each file in its report (see scanPaths). */
  digests?: boolean;
}

/**
 * Scans local paths, `hf://` references and `http(s)://` URLs into one report. Remote files are
 * read with ranged requests; each report says how many bytes were fetched.
 *
 * @example
 * const report = await scanTargets(["hf://org/model", "local.pt"], { policy, env: process.env });
 */
export async function scanTargets(targets: readonly (string | Uint8Array)[], given: ScanTargetsOptions): Promise<ScanReport> {
  const options = { ...given, policy: given.policy ?? defaultPolicy() };
  const remote = (t: string | Uint8Array): t is string => typeof t === "string" && isRemoteTarget(t);
  const local = targets.filter((t) => !remote(t));
  const localReport = local.length > 0 ? await scanPaths(local, options) : undefined;
  const files: FileReport[] = localReport ? localReport.files : [];
  const endpoint = hfEndpoint(options.env);
  const token = hfToken(options.env);
  const common = { endpoint, token, policy: options.policy, limits: options.limits, onProgress: options.onProgress };
  // Like a missing local path, a remote target that cannot be listed or fetched is an error
  // report of its own; the other targets keep their verdicts.
  const failed = (target: string, message: string): FileReport => {
    const errors = [{ code: "not-found", message: `Cannot scan: ${message}`, location: {} }];
    return { path: safeLine(target), verdict: verdictOf([], errors), formats: [], findings: [], errors, notes: [] };
  };
  const remoteTargets = targets.filter(remote);
  // The HTTP and hub clients load only when a target needs them.
  const web = remoteTargets.length === 0 ? undefined : await loadWeb();
  for (const target of remoteTargets) {
    if (web === undefined) break;
    const { parseHfRef, HubApiError, scanHfRef, scanRemoteFile } = web;
    if (target.startsWith("hf://")) {
      const parsed = parseHfRef(target);
      if (!parsed.ok) {
        files.push(failed(target, parsed.message));
        continue;
      }
      try {
        files.push(...(await scanHfRef(parsed.ref, common)));
      } catch (error) {
        if (!(error instanceof HubApiError)) throw error;
        files.push(failed(target, hubHint(error, token)));
      }
    } else {
      let url: URL;
      try {
        url = new URL(target);
      } catch {
        files.push(failed(target, "not a valid URL"));
        continue;
      }
      files.push((await scanRemoteFile(url.href, { ...common, path: target })).report);
    }
  }
  const report: ScanReport = { schemaVersion: 1, tool: { name: "modelvet", version: VERSION }, files, summary: summarize(files) };
  // Folder verdicts come from the local pass; remote repos have none yet.
  if (localReport?.folders) report.folders = localReport.folders;
  return report;
}

async function loadWeb() {
  const [ref, hub, scan] = await Promise.all([import("../web/hf-ref.js"), import("../web/hub-api.js"), import("../web/remote-scan.js")]);
  return { parseHfRef: ref.parseHfRef, HubApiError: hub.HubApiError, scanHfRef: scan.scanHfRef, scanRemoteFile: scan.scanRemoteFile };
}

function hubHint(error: HubApiError, token: string | undefined): string {
  if (error.status === 401 && token === undefined) return `${error.message} (set HF_TOKEN for gated or private repos)`;
  return error.message;
}
