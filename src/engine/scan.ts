import { ByteSourceError, readHead, type ByteSource } from "../core/byte-source.js";
import type { Defect } from "../core/defect.js";
import { safeText } from "../core/safe-text.js";
import { verdictOf, type FileReport, type Finding, type ScanError } from "../core/finding.js";
import { resolveLimits, type Limits } from "../core/limits.js";
import { FORMAT_HANDLERS } from "../formats/index.js";
import { defaultPolicy } from "../policy/default.js";
import type { Policy } from "../policy/policy.js";
import { loadedRulesForFormat, rulesForFormat } from "../rules/families.js";
import type { Rule } from "../rules/types.js";
import { describeNonModel } from "./kind.js";
import { findResidual, lfsPointer, type Residual } from "./recognize.js";
import type { FormatAnalysis, FormatHandler, Member, ScanContext, SniffStrength } from "../core/handler.js";


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
  dropped: { findings: number; errors: number; notes: number };
}

interface Frame {
  source: ByteSource;
  name: string;
  memberPath: string | undefined;
  depth: number;
  parents: readonly string[];
  speculative: boolean;
  forceFormat: string | undefined;
  /**
   * Inside a second reading of a polyglot: the reading's own structure is not judged (a tar's last
   * member seen as a zip with a tar in front of it is not a zip differential), and findings its
   * members repeat from the first reading are not listed twice.
   */
  secondary?: boolean;
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
  const given = options.rules === undefined ? undefined : uniqueBy(options.rules, (r) => r.meta.id);
  // Without a rule list, each format's rules load when a document of that format is checked.
  const rulesFor = given === undefined ? rulesForFormat : async (): Promise<readonly Rule[]> => given;
  const state: FileState = { findings: [], errors: [], notes: [], formats: [], dropped: { findings: 0, errors: 0, notes: 0 } };
  const budget = { members: 0, inflatedBytes: 0 };
  const deadline = started + limits.maxMillisPerFile;
  const name = options.path.slice(Math.max(options.path.lastIndexOf("/"), options.path.lastIndexOf("\\")) + 1);

  const engine: Engine = { limits, policy, handlers, rulesFor, budget, deadline, now, state, onDocument: options.onDocument };
  try {
    await scanFrame(engine, { source, name, memberPath: undefined, depth: 0, parents: [], speculative: false, forceFormat: undefined });
  } catch (error) {
    // A bug must not lose what was found: the file keeps its findings and fails closed.
    pushError(engine, toScanError(error, undefined));
  }
  closeState(state);

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

/** Each distinct sniffer of a handler list once, and which one each handler asks (by index). */
interface SniffPlan {
  sniffers: FormatHandler["sniff"][];
  slot: number[];
}

/**
 * Made once per handler list (a folder scan passes the same registry for every file): a lookup of
 * each handler's sniffer in a fresh Map, per file, was some 4 % of a folder scan of small pickles.
 */
const sniffPlans = new WeakMap<readonly FormatHandler[], SniffPlan>();

function sniffPlanOf(handlers: readonly FormatHandler[]): SniffPlan {
  let plan = sniffPlans.get(handlers);
  if (plan === undefined) {
    const sniffers: FormatHandler["sniff"][] = [];
    const slot = handlers.map((h) => {
      const at = sniffers.indexOf(h.sniff);
      return at >= 0 ? at : sniffers.push(h.sniff) - 1;
    });
    plan = { sniffers, slot };
    sniffPlans.set(handlers, plan);
  }
  return plan;
}

/** Lists already made unique, by the list given: a folder scan passes the same registry for every file. */
const uniqueLists = new WeakMap<readonly unknown[], { from: number; unique: unknown[] }>();

/** First item per key: callers may pass the registry plus extras that are already in it. */
function uniqueBy<T>(items: readonly T[], key: (item: T) => string): T[] {
  const known = uniqueLists.get(items);
  if (known !== undefined && known.from === items.length) return known.unique as T[];
  const seen = new Set<string>();
  const unique = items.filter((item) => !seen.has(key(item)) && seen.add(key(item)) !== undefined);
  uniqueLists.set(items, { from: items.length, unique });
  return unique;
}

interface Engine {
  limits: Limits;
  policy: Policy;
  handlers: readonly FormatHandler[];
  /** The rules that may read documents of a format (runRules still checks each rule's formats). */
  rulesFor: (format: string) => Promise<readonly Rule[]>;
  budget: { members: number; inflatedBytes: number };
  deadline: number;
  now: () => number;
  state: FileState;
  onDocument?: ScanOptions["onDocument"];
  timedOut?: boolean;
}

async function scanFrame(engine: Engine, frame: Frame): Promise<void> {
  if (pastDeadline(engine, frame)) return;
  let outcome: Recognition;
  try {
    outcome = await analyze(engine, frame);
  } catch (error) {
    if (!frame.speculative) pushError(engine, toScanError(error, frame.memberPath));
    return;
  }
  if (outcome.analysis === undefined) {
    if (!frame.speculative) reportUnaccepted(engine, frame, outcome);
    return;
  }
  await scanAnalysis(engine, frame, outcome.analysis);
  // The other readings of a polyglot: their findings count, their errors do not (a zip end record
  // at the tail of a tar is a zip to zipfile; as a tar it was already read in full).
  for (const reading of outcome.readings ?? []) await scanAnalysis(engine, { ...frame, speculative: true, secondary: true }, reading);
}

async function scanAnalysis(engine: Engine, frame: Frame, analysis: FormatAnalysis): Promise<void> {
  const { state } = engine;
  const ownDocuments = frame.secondary && frame.memberPath === undefined ? [] : [analysis, ...(analysis.also ?? [])];
  for (const view of ownDocuments) {
    if (!state.formats.includes(view.format)) state.formats.push(view.format);
    runRules(engine, view, frame, await engine.rulesFor(view.format));
    engine.onDocument?.(view, frame.memberPath);
  }
  for (const note of analysis.notes ?? []) pushNote(engine, frame.memberPath ? `${frame.memberPath}: ${note}` : note);
  if (!frame.speculative) {
    for (const d of analysis.defects) if (d.fatal) pushError(engine, defectToError(d, frame.memberPath));
  }
  for (const member of analysis.members ?? []) {
    try {
      await scanMember(engine, frame, analysis.format, member);
    } finally {
      member.release?.();
    }
  }
}

/** Enforces the per-file time limit between frames; the first overrun is reported once. */
function pastDeadline(engine: Engine, frame: Frame): boolean {
  if (engine.now() <= engine.deadline) return false;
  if (!engine.timedOut) {
    engine.timedOut = true;
    pushError(engine, {
      code: "timeout",
      message: `Scan took longer than ${engine.limits.maxMillisPerFile} ms; the rest of the file was not scanned (limit maxMillisPerFile)`,
      location: frame.memberPath === undefined ? {} : { member: frame.memberPath },
    });
  }
  return true;
}

/**
 * Nothing accepted the bytes. Declining is not judging: a strong claim that was withdrawn, or
 * bytes a loader would still act on, fail closed; plain data stays clean with a note.
 */
function reportUnaccepted(engine: Engine, frame: Frame, outcome: Recognition): void {
  const location = frame.memberPath === undefined ? {} : { member: frame.memberPath };
  const where = frame.memberPath === undefined ? "" : `${frame.memberPath}: `;
  const { residual, declinedStrong } = outcome;
  if (residual?.kind === "lfs-pointer") {
    pushError(engine, {
      code: "lfs-pointer",
      message: `Git LFS pointer (oid ${residual.oid}, ${residual.size || "unknown"} bytes): the model itself was never fetched, so it was never scanned; run "git lfs pull" and scan again`,
      location,
    });
    return;
  }
  if (residual !== undefined) {
    pushError(engine, { code: "unrecognised", message: `Unrecognised content that a loader would still act on: ${describeResidual(residual)}; not scanned as a model`, location });
    return;
  }
  if (declinedStrong.length > 0) {
    pushError(engine, {
      code: "unrecognised",
      message: `Looks like ${declinedStrong.join(", ")} by its bytes, but could not be read as such; not scanned`,
      location,
    });
    return;
  }
  if (outcome.emptyModel) {
    pushError(engine, { code: "empty", message: `Empty file where a model is expected (${JSON.stringify(frame.name)}); a loader refuses it`, location });
    return;
  }
  if (frame.depth === 0 || outcome.partialSearch) {
    const searched = outcome.partialSearch ? `; only its first ${engine.limits.headBytes} and last ${engine.limits.tailBytes} bytes were searched for loadable content (limit MAX_RESIDUAL_SEARCH_BYTES)` : "";
    pushNote(engine, `${where}Not a model format (${describeNonModel(outcome.head, frame.source.size)}); nothing to scan${searched}.`);
  }
}

function describeResidual(residual: Residual): string {
  switch (residual.kind) {
    case "pickle-imports":
      return `pickle import of ${residual.name} at offset ${residual.offset}`;
    case "zip-end-record":
      return `zip end record at offset ${residual.offset}`;
    case "loader-json":
      return `JSON with the loader key "${residual.key}"`;
    case "lfs-pointer":
      return "Git LFS pointer";
  }
}

async function scanMember(engine: Engine, parent: Frame, parentFormat: string, member: Member): Promise<void> {
  const { limits, budget } = engine;
  const memberPath = parent.memberPath ? `${parent.memberPath}!${member.path}` : member.path;
  const speculative = parent.speculative || member.speculative === true;
  if (parent.depth + 1 > limits.maxNestingDepth) {
    if (!speculative) {
      pushError(engine, {
        code: "limit-exceeded",
        message: `Container nesting deeper than ${limits.maxNestingDepth} at ${JSON.stringify(memberPath)}; not scanned (limit maxNestingDepth)`,
        location: { member: memberPath },
      });
    }
    return;
  }
  if (++budget.members > limits.maxMembers) {
    if (budget.members === limits.maxMembers + 1) {
      pushError(engine, {
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
    secondary: parent.secondary,
  });
}

interface Recognition {
  analysis: FormatAnalysis | undefined;
  head: Uint8Array;
  /** Handlers that claimed the bytes strongly and then declined them. */
  declinedStrong: string[];
  residual?: Residual;
  partialSearch?: boolean;
  emptyModel?: boolean;
  /** Other strong claims that also accepted the bytes (a tar whose tail is a zip): scanned as guesses. */
  readings?: FormatAnalysis[];
}

/** Readings of one polyglot scanned (CWE-400): real files have one, polyglots two or three. */
const MAX_READINGS = 4;

/**
 * Recognition, in one place: the head and the tail are read once and shown to every handler;
 * strong claims are tried by priority, then weak ones as trials. When nothing accepts, the
 * residual checks decide between "not a model" and "unrecognised" (fail closed).
 */
async function analyze(engine: Engine, frame: Frame): Promise<Recognition> {
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
  const source = frame.source;
  const head = await readHead(source, engine.limits.headBytes);
  if (frame.forceFormat !== undefined) {
    const forced = engine.handlers.find((h) => h.id === frame.forceFormat);
    if (forced) return { analysis: await forced.analyze(source, ctx), head, declinedStrong: [] };
  }
  const tailLength = Math.min(engine.limits.tailBytes, source.size);
  const tail = tailLength <= head.length ? head.subarray(head.length - tailLength) : await source.read(source.size - tailLength, tailLength);
  const hint = { name: frame.name, size: source.size, parents: frame.parents, tail, memberPath: frame.memberPath };
  const strong: FormatHandler[] = [];
  const tailClaims: FormatHandler[] = [];
  const weak: FormatHandler[] = [];
  // Sniffers are pure: handlers that share one (a zip and the zips that are more than zips) ask it once.
  const plan = sniffPlanOf(engine.handlers);
  const strengths: SniffStrength[] = [];
  for (const sniff of plan.sniffers) strengths.push(sniff(head, hint));
  for (let i = 0; i < engine.handlers.length; i++) {
    const handler = engine.handlers[i] as FormatHandler;
    const strength = strengths[plan.slot[i] as number];
    if (strength === "strong") strong.push(handler);
    else if (strength === "tail") tailClaims.push(handler);
    else if (strength === "weak") weak.push(handler);
  }
  const byPriority = (a: FormatHandler, b: FormatHandler): number => b.priority - a.priority;
  const claims = [...strong.sort(byPriority), ...tailClaims.sort(byPriority)];
  const declinedStrong: string[] = [];
  const accepted: { handler: FormatHandler; analysis: FormatAnalysis }[] = [];
  for (const handler of claims) {
    // A handler whose reading an accepted one includes (or that includes it) adds nothing.
    if (accepted.some((a) => a.handler.supersedes?.includes(handler.id) || handler.supersedes?.includes(a.handler.id))) continue;
    if (accepted.length >= MAX_READINGS) break;
    const analysis = await handler.analyze(source, ctx);
    if (analysis) accepted.push({ handler, analysis });
    else if (accepted.length === 0) declinedStrong.push(handler.id);
  }
  const [primary, ...others] = accepted;
  if (primary) return { analysis: primary.analysis, head, declinedStrong, readings: others.map((o) => o.analysis) };
  for (const handler of weak.sort(byPriority)) {
    const analysis = await handler.analyze(source, ctx);
    if (analysis) return { analysis, head, declinedStrong };
  }
  if (frame.speculative) return { analysis: undefined, head, declinedStrong };
  const pointer = lfsPointer(head, source.size);
  if (pointer) return { analysis: undefined, head, declinedStrong, residual: { kind: "lfs-pointer", ...pointer } };
  if (source.size === 0) return { analysis: undefined, head, declinedStrong, emptyModel: MODEL_FILE_NAME.test(frame.name) };
  const { residual, partial } = await findResidual(source, head, tail, engine.policy);
  return residual ? { analysis: undefined, head, declinedStrong, residual } : { analysis: undefined, head, declinedStrong, partialSearch: partial };
}

/** Names under which a loader expects model bytes: an empty file there is a broken model, not "no model". */
const MODEL_FILE_NAME = /(?:^(?:pytorch_model|model|training_args|optimizer|scheduler|adapter_model|rng_state)[^/]*\.bin|\.(?:pt|pth|ckpt|pkl|pickle|joblib|safetensors|gguf|onnx|h5|hdf5|keras|npy|npz|tflite|msgpack|mar|nemo))$/i;

function runRules(engine: Engine, analysis: { format: string; document: unknown }, frame: Frame, rules: readonly Rule[]): void {
  for (const rule of rules) {
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
      if (frame.secondary && engine.state.findings.some((f) => sameFact(f, finding))) return;
      pushFinding(engine, finding);
    };
    try {
      rule.check(analysis.document, { report, policy: engine.policy });
    } catch (error) {
      // A rule bug must not hide the file: report it and fail closed.
      pushError(engine, {
        code: "internal-error",
        message: `Rule ${rule.meta.id} failed: ${error instanceof Error ? error.message : String(error)}`,
        location: frame.memberPath ? { member: frame.memberPath } : {},
      });
    }
  }
}

/**
 * Entries kept per file and kind (CWE-770): a hostile file can produce a defect per byte. Past the
 * cap entries are counted, and the count is reported as an error so the file fails closed.
 */
export const MAX_REPORT_ENTRIES = 1000;

function pushError(engine: Engine, error: ScanError): void {
  const { state } = engine;
  if (state.errors.length < MAX_REPORT_ENTRIES) state.errors.push(error);
  else state.dropped.errors++;
}

function pushNote(engine: Engine, note: string): void {
  const { state } = engine;
  if (state.notes.length < MAX_REPORT_ENTRIES) state.notes.push(safeText(note));
  else state.dropped.notes++;
}

function pushFinding(engine: Engine, finding: Finding): void {
  const { state } = engine;
  if (state.findings.length < MAX_REPORT_ENTRIES) state.findings.push(finding);
  else state.dropped.findings++;
}

/** The same rule saying the same thing about the same bytes, wherever the member sits. */
function sameFact(a: Finding, b: Finding): boolean {
  return a.ruleId === b.ruleId && a.message === b.message && a.evidence === b.evidence && a.location.offset === b.location.offset;
}

/** Turns counted-but-dropped entries into one error each, so a cap never hides anything. */
function closeState(state: FileState): void {
  const { dropped } = state;
  const parts = (Object.keys(dropped) as (keyof typeof dropped)[]).filter((k) => dropped[k] > 0).map((k) => `${dropped[k]} more ${k}`);
  if (parts.length > 0) {
    state.errors.push({ code: "limit-exceeded", message: `Report capped: ${parts.join(", ")} were counted but not listed (limit MAX_REPORT_ENTRIES)`, location: {} });
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
 * the rules of `format` run on `document` as if a handler had produced it. Synchronous, so the
 * rules come from `options.rules` or were loaded before (`await rulesForFormat(format)`); the
 * library entry (`modelvet`) passes every rule.
 */
export function reportDocument(format: string, document: unknown, options: ScanOptions & { path: string; notes?: string[] }): FileReport {
  const now = options.now ?? (() => Date.now());
  const state: FileState = { findings: [], errors: [], notes: [...(options.notes ?? [])], formats: [format], dropped: { findings: 0, errors: 0, notes: 0 } };
  const rules = options.rules ?? loadedRulesForFormat(format);
  if (rules === undefined) throw new Error(`Rules for format "${format}" are not loaded: pass options.rules or await rulesForFormat("${format}") first`);
  const engine: Engine = {
    limits: resolveLimits(options.limits),
    policy: options.policy ?? defaultPolicy(),
    handlers: options.handlers ?? FORMAT_HANDLERS,
    rulesFor: async () => rules,
    budget: { members: 0, inflatedBytes: 0 },
    deadline: now(),
    now,
    state,
  };
  const frame: Frame = { source: undefined as unknown as ByteSource, name: options.path, memberPath: undefined, depth: 0, parents: [], speculative: false, forceFormat: undefined };
  runRules(engine, { format, document }, frame, rules);
  return { path: options.path, verdict: verdictOf(state.findings, state.errors), formats: state.formats, findings: state.findings, errors: state.errors, notes: state.notes };
}
