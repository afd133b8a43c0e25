import { ByteSourceError, readHead, type ByteSource } from "../core/byte-source.js";
import type { Defect } from "../core/defect.js";
import { safeText } from "../core/safe-text.js";
import { verdictOf, type FileReport, type Finding, type ScanError } from "../core/finding.js";
import { resolveLimits, type Limits } from "../core/limits.js";
import { FORMAT_HANDLERS } from "../formats/index.js";
import { defaultPolicy } from "../policy/default.js";
import type { Policy } from "../policy/policy.js";
import { RULES } from "../rules/index.js";
import type { Rule } from "../rules/types.js";
import { describeNonModel } from "./kind.js";
import type { FormatAnalysis, FormatHandler, Member, ScanContext } from "../core/handler.js";


export interface ScanOptions {
  policy?: Policy;
  limits?: Partial<Limits>;
  handlers?: readonly FormatHandler[];
  rules?: readonly Rule[];
  /** Clock in milliseconds; injected so pure code has no timers. */
  now?: () => number;
  /**
   * Sees every parsed document (member path undefined for the file itself), for checks that need
   * more than one file's bytes: the node layer checks an ONNX model's external data files.
   */
  onDocument?: (view: { format: string; document: unknown }, memberPath: string | undefined) => void;
}

interface FileState {
  findings: Finding[];
  errors: ScanError[];
  notes: string[];
  formats: string[];
}

interface Frame {
  source: ByteSource;
  name: string;
  memberPath: string | undefined;
  depth: number;
  parents: readonly string[];
  speculative: boolean;
  forceFormat: string | undefined;
}

/**
 * Scans one file (any source) and everything nested in it, and returns its report. Never throws
 * for bad input: malformed bytes are findings or errors, and errors fail closed.
 *
 * @example
 * const report = await scanSource(new MemorySource(bytes), { path: "model.bin" });
 * report.verdict; // "unsafe"
 */
export async function scanSource(source: ByteSource, options: ScanOptions & { path: string }): Promise<FileReport> {
  const now = options.now ?? (() => Date.now());
  const started = now();
  const limits = resolveLimits(options.limits);
  const policy = options.policy ?? defaultPolicy();
  const handlers = uniqueBy(options.handlers ?? FORMAT_HANDLERS, (h) => h.id);
  const rules = uniqueBy(options.rules ?? RULES, (r) => r.meta.id);
  const state: FileState = { findings: [], errors: [], notes: [], formats: [] };
  const budget = { members: 0, inflatedBytes: 0 };
  const deadline = started + limits.maxMillisPerFile;
  const name = options.path.split(/[\\/]/).pop() ?? options.path;

  const engine: Engine = { limits, policy, handlers, rules, budget, deadline, now, state, onDocument: options.onDocument };
  await scanFrame(engine, { source, name, memberPath: undefined, depth: 0, parents: [], speculative: false, forceFormat: undefined });

  return {
    path: options.path,
    verdict: verdictOf(state.findings, state.errors),
    formats: state.formats,
    findings: state.findings,
    errors: state.errors,
    notes: state.notes,
    size: source.size,
    bytesRead: source.stats.bytesRead,
    millis: Math.round(now() - started),
  };
}

/** First item per key: callers may pass the registry plus extras that are already in it. */
function uniqueBy<T>(items: readonly T[], key: (item: T) => string): T[] {
  const seen = new Set<string>();
  return items.filter((item) => !seen.has(key(item)) && seen.add(key(item)) !== undefined);
}

interface Engine {
  limits: Limits;
  policy: Policy;
  handlers: readonly FormatHandler[];
  rules: readonly Rule[];
  budget: { members: number; inflatedBytes: number };
  deadline: number;
  now: () => number;
  state: FileState;
  onDocument?: ScanOptions["onDocument"];
}

async function scanFrame(engine: Engine, frame: Frame): Promise<void> {
  const { state } = engine;
  let analysis: FormatAnalysis | undefined;
  try {
    analysis = await analyze(engine, frame);
  } catch (error) {
    if (!frame.speculative) state.errors.push(toScanError(error, frame.memberPath));
    return;
  }
  if (!analysis) {
    if (!frame.speculative && frame.depth === 0) {
      const head = await readHead(frame.source, engine.limits.headBytes).catch(() => new Uint8Array());
      state.notes.push(`Not a model format (${describeNonModel(head, frame.source.size)}); nothing to scan.`);
    }
    return;
  }
  for (const view of [analysis, ...(analysis.also ?? [])]) {
    if (!state.formats.includes(view.format)) state.formats.push(view.format);
    runRules(engine, view, frame);
    engine.onDocument?.(view, frame.memberPath);
  }
  for (const note of analysis.notes ?? []) state.notes.push(safeText(frame.memberPath ? `${frame.memberPath}: ${note}` : note));
  if (!frame.speculative) {
    for (const d of analysis.defects) if (d.fatal) state.errors.push(defectToError(d, frame.memberPath));
  }
  for (const member of analysis.members ?? []) {
    await scanMember(engine, frame, analysis.format, member);
  }
}

async function scanMember(engine: Engine, parent: Frame, parentFormat: string, member: Member): Promise<void> {
  const { state, limits, budget } = engine;
  const memberPath = parent.memberPath ? `${parent.memberPath}!${member.path}` : member.path;
  const speculative = parent.speculative || member.speculative === true;
  if (parent.depth + 1 > limits.maxNestingDepth) {
    if (!speculative) {
      state.errors.push({
        code: "limit-exceeded",
        message: `Container nesting deeper than ${limits.maxNestingDepth} at ${JSON.stringify(memberPath)}; not scanned (limit maxNestingDepth)`,
        location: { member: memberPath },
      });
    }
    return;
  }
  if (++budget.members > limits.maxMembers) {
    if (budget.members === limits.maxMembers + 1) {
      state.errors.push({
        code: "limit-exceeded",
        message: `More than ${limits.maxMembers} members in one file; the rest were not scanned (limit maxMembers)`,
        location: { member: memberPath },
      });
    }
    return;
  }
  await scanFrame(engine, {
    source: member.source,
    name: member.path.split("/").pop() ?? member.path,
    memberPath,
    depth: parent.depth + 1,
    parents: [...parent.parents, parentFormat],
    speculative,
    forceFormat: member.forceFormat,
  });
}

/** Picks the handler by content: strong sniffs by priority, then weak ones as trials. */
async function analyze(engine: Engine, frame: Frame): Promise<FormatAnalysis | undefined> {
  const ctx: ScanContext = {
    limits: engine.limits,
    policy: engine.policy,
    budget: engine.budget,
    depth: frame.depth,
    memberPath: frame.memberPath,
    name: frame.name,
    now: engine.now,
    deadline: engine.deadline,
    parents: frame.parents,
  };
  if (frame.forceFormat !== undefined) {
    const forced = engine.handlers.find((h) => h.id === frame.forceFormat);
    if (forced) return forced.analyze(frame.source, ctx);
  }
  const head = await readHead(frame.source, engine.limits.headBytes);
  const hint = { name: frame.name, size: frame.source.size, parents: frame.parents };
  const strong: FormatHandler[] = [];
  const weak: FormatHandler[] = [];
  for (const handler of engine.handlers) {
    const strength = handler.sniff(head, hint);
    if (strength === "strong") strong.push(handler);
    else if (strength === "weak") weak.push(handler);
  }
  const byPriority = (a: FormatHandler, b: FormatHandler): number => b.priority - a.priority;
  for (const handler of [...strong.sort(byPriority), ...weak.sort(byPriority)]) {
    const analysis = await handler.analyze(frame.source, ctx);
    if (analysis) return analysis;
  }
  return undefined;
}

function runRules(engine: Engine, analysis: { format: string; document: unknown }, frame: Frame): void {
  for (const rule of engine.rules) {
    if (!rule.meta.formats.includes(analysis.format)) continue;
    const severity = engine.policy.severityOf(rule.meta.id, rule.meta.defaultSeverity);
    if (severity === "off") continue;
    const report = (hit: { message: string; evidence?: string; offset?: number; member?: string }): void => {
      const member = hit.member === undefined ? frame.memberPath : frame.memberPath ? `${frame.memberPath}!${hit.member}` : hit.member;
      const finding: Finding = {
        ruleId: rule.meta.id,
        severity,
        confidence: rule.meta.confidence,
        message: safeText(hit.message),
        location: {},
      };
      if (member !== undefined) finding.location.member = safeText(member);
      if (hit.offset !== undefined) finding.location.offset = hit.offset;
      if (hit.evidence !== undefined) finding.evidence = safeText(hit.evidence);
      if (rule.meta.cwe.length > 0) finding.cwe = rule.meta.cwe.map((n) => `CWE-${n}`);
      if (rule.meta.references.length > 0) finding.references = [...rule.meta.references];
      engine.state.findings.push(finding);
    };
    try {
      rule.check(analysis.document, { report, policy: engine.policy });
    } catch (error) {
      // A rule bug must not hide the file: report it and fail closed.
      engine.state.errors.push({
        code: "internal-error",
        message: `Rule ${rule.meta.id} failed: ${error instanceof Error ? error.message : String(error)}`,
        location: frame.memberPath ? { member: frame.memberPath } : {},
      });
    }
  }
}

function defectToError(d: Defect, member: string | undefined): ScanError {
  const location: ScanError["location"] = {};
  if (member !== undefined) location.member = member;
  if (d.offset !== undefined) location.offset = d.offset;
  const suffix = d.limit ? ` (limit ${d.limit})` : "";
  return { code: d.code, message: safeText(`${d.message}${suffix}`), location };
}

function toScanError(error: unknown, member: string | undefined): ScanError {
  const location = member === undefined ? {} : { member };
  if (error instanceof ByteSourceError) return { code: "io-error", message: error.message, location };
  const message = error instanceof Error ? error.message : String(error);
  return { code: "internal-error", message: `Scanner failed: ${message}`, location };
}

/**
 * A report for a fact found outside any file's bytes (a symlink met while walking a folder):
 * the rules of `format` run on `document` as if a handler had produced it.
 */
export function reportDocument(format: string, document: unknown, options: ScanOptions & { path: string; notes?: string[] }): FileReport {
  const now = options.now ?? (() => Date.now());
  const state: FileState = { findings: [], errors: [], notes: [...(options.notes ?? [])], formats: [format] };
  const engine: Engine = {
    limits: resolveLimits(options.limits),
    policy: options.policy ?? defaultPolicy(),
    handlers: options.handlers ?? FORMAT_HANDLERS,
    rules: options.rules ?? RULES,
    budget: { members: 0, inflatedBytes: 0 },
    deadline: now(),
    now,
    state,
  };
  const frame: Frame = { source: undefined as unknown as ByteSource, name: options.path, memberPath: undefined, depth: 0, parents: [], speculative: false, forceFormat: undefined };
  runRules(engine, { format, document }, frame);
  return { path: options.path, verdict: verdictOf(state.findings, state.errors), formats: state.formats, findings: state.findings, errors: state.errors, notes: state.notes };
}
