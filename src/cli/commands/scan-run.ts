import { readFile, stat, writeFile } from "node:fs/promises";
import { resolve } from "node:path";
import { summarize, type FileReport, type ScanReport } from "../../core/finding.js";
import { loadPolicy } from "../../node/policy-file.js";
import { isRemoteTarget, scanTargets } from "../../node/remote-scan.js";
import type { VerdictCache } from "../../node/verdict-cache.js";
import { VERSION } from "../../node/version.js";
import type { TrustedSigners } from "../../node/signing/verify-model.js";
import type { Policy } from "../../policy/policy.js";
import { applyBaseline, parseBaseline, renderBaseline } from "../../report/baseline.js";
import { applySuppressions } from "../../engine/suppressions.js";
import { emitReport, renderReport, systemReason } from "../output.js";
import { UsageError, type ExitCode } from "../exit-codes.js";
import { gateExitCode } from "../gate.js";
import { argumentBytes, type CliIo } from "../io.js";
import { createProgress } from "../progress.js";
import { stdinToTempFile } from "../stdin.js";
import { asUsageError } from "./hash.js";
import type { ScanFlags } from "./scan.js";
import { trustedSignersFromFlags } from "./verify.js";

/**
 * Scans, writes the report, and returns the gate's exit code. Usage problems (bad policy,
 * unwritable output) are thrown for main to print; a missing or unreadable path is an `error`
 * entry in the report, and the other paths are still scanned and reported.
 */
export async function runScan(paths: string[], flags: ScanFlags, io: CliIo): Promise<ExitCode> {
  const policy = await loadPolicy(flags.policy);
  if (paths.filter((path) => path === "-").length > 1) throw new UsageError("'-' (standard input) can be given once");
  if (paths.includes("-") && (flags.requireSignature || policy.signing.require)) throw new UsageError("--require-signature needs files or folders; standard input has no signature");
  const stdin = paths.includes("-") ? await stdinToTempFile(io.stdin) : undefined;
  const progress = createProgress(io);
  const cache = flags.cache === undefined ? undefined : await openCache(flags.cache, policy, io);
  let report: ScanReport;
  try {
    const targets = paths.map((path) => (path === "-" && stdin ? stdin.path : argumentBytes(path, io.rawArgv)));
    report = await scanTargets(targets, { policy, env: io.env ?? {}, onProgress: progress.onProgress, exclude: flags.exclude, cache, digests: flags.format === "cyclonedx" });
    // The report names standard input as the user did, not by the temp file's name.
    if (stdin) report = { ...report, files: report.files.map((file) => (file.path === stdin.path ? { ...file, path: "-" } : file)) };
  } finally {
    progress.finish();
    await stdin?.dispose();
    if (cache) await closeCache(cache, io);
  }
  if ((flags.requireSignature || policy.signing.require) && paths.some(isRemoteTarget)) throw new UsageError("--require-signature needs local paths; remote targets cannot be signature-checked yet");
  if (flags.requireSignature || policy.signing.require) report = await withSignatures(report, paths, flags, policy);
  report = applySuppressions(report, policy.layers.flatMap((layer) => layer.suppressions ?? []), new Date().toISOString().slice(0, 10));
  if (flags.writeBaseline && flags.baseline === undefined) throw new UsageError("--write-baseline needs --baseline FILE: the file to write");
  if (flags.baseline !== undefined) report = await withBaseline(report, flags.baseline, flags.writeBaseline === true);
  const color = flags.output === undefined && flags.color && colorWanted(io);
  const text = flags.format === "cyclonedx" ? await renderCycloneDxReport(report) : await renderReport(report, flags.format, { color, quiet: flags.quiet === true });
  await emitReport(text, flags.output, io);
  return gateExitCode(report, flags.failOn ?? policy.failOn);
}

/** `--format cyclonedx`: the renderer and its library are loaded only when asked for. */
async function renderCycloneDxReport(report: ScanReport): Promise<string> {
  const [{ renderCycloneDx }, { RULES }] = await Promise.all([import("../../report/cyclonedx.js"), import("../../rules/index.js")]);
  return renderCycloneDx(report, { rules: RULES.map((rule) => rule.meta) });
}

/** `--cache DIR`: entries are authenticated with MODELVET_CACHE_KEY when it is set. */
async function openCache(dir: string, policy: Policy, io: CliIo): Promise<VerdictCache> {
  const { VerdictCache } = await import("../../node/verdict-cache.js");
  try {
    return await VerdictCache.open(dir, { policy, version: VERSION, key: io.env?.MODELVET_CACHE_KEY });
  } catch (error) {
    throw new UsageError(`cannot use the cache folder ${JSON.stringify(dir)}: ${systemReason(error)}`);
  }
}

/** Keeps the cache bounded and says once why it could not be used, if it could not; never fails the scan. */
async function closeCache(cache: VerdictCache, io: CliIo): Promise<void> {
  await cache.prune().catch(() => 0);
  for (const warning of cache.warnings) io.stderr.write(`modelvet: warning: ${warning}
`);
}

/** One SIG001 entry per path: the model's signature, verified against the trusted signers. */
async function withSignatures(report: ScanReport, paths: readonly string[], flags: ScanFlags, policy: Policy): Promise<ScanReport> {
  if (flags.signature !== undefined && paths.length > 1) throw new UsageError("--signature names one signature file; with several paths, each model's own signature is used");
  const trust = trustFrom(flags, policy);
  const { signatureReport } = await import("../../node/signing/verify-for-scan.js");
  const signatures: FileReport[] = [];
  for (const path of paths) {
    const info = await stat(path).catch(() => undefined);
    // A path that cannot be read already has its error report; there is no model to verify.
    if (info === undefined) continue;
    signatures.push(await signatureReport(path, policy, { ...trust, signaturePath: flags.signature }).catch(asUsageError));
  }
  // The signature file itself was walked as an unknown file: its SIG001 entry replaces it.
  const signed = new Set(signatures.map((s) => resolve(s.path)));
  const files = [...report.files.filter((f) => !signed.has(resolve(f.path))), ...signatures];
  return { ...report, files, summary: summarize(files) };
}

/** `--baseline`: write today's fingerprints, or suppress the findings the file lists. */
async function withBaseline(report: ScanReport, file: string, write: boolean): Promise<ScanReport> {
  if (write) {
    try {
      await writeFile(file, renderBaseline(report));
    } catch (error) {
      throw new UsageError(`cannot write the baseline ${JSON.stringify(file)}: ${systemReason(error)}`);
    }
  }
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    throw new UsageError(`cannot read the baseline ${JSON.stringify(file)}: ${systemReason(error)} (create it with --write-baseline)`);
  }
  const parsed = parseBaseline(text);
  if ("error" in parsed) throw new UsageError(`the baseline ${JSON.stringify(file)} ${parsed.error}`);
  return applyBaseline(report, parsed.fingerprints, file);
}

/** Trusted signers from the flags when any is given, else from the policy's signing section. */
function trustFrom(flags: ScanFlags, policy: Policy): TrustedSigners {
  const fromFlags = trustedSignersFromFlags(flags);
  if (fromFlags.publicKeys?.length || fromFlags.certificateChain?.length || fromFlags.identities?.length) return fromFlags;
  const { publicKeys, certificateChain, identities, trustRoot } = policy.signing;
  return { publicKeys, certificateChain, identities, trustRoot: flags.trustRoot ?? trustRoot };
}



/**
 * Colour on stdout: `FORCE_COLOR` (set, not `0`/`false`) turns it on even when stdout is not a
 * terminal (CI logs render ANSI) and `FORCE_COLOR=0` off, as in Node and chalk; otherwise
 * https://no-color.org (`NO_COLOR` set and not empty) turns it off; otherwise a terminal gets it.
 */
export function colorWanted(io: Pick<CliIo, "env" | "isTTY">): boolean {
  const force = io.env?.FORCE_COLOR;
  if (force !== undefined) return !["0", "false"].includes(force.toLowerCase());
  const noColor = io.env?.NO_COLOR;
  if (noColor !== undefined && noColor !== "") return false;
  return io.isTTY.stdout;
}

