import { isSeverity, type Severity } from "../core/finding.js";
import { isDunder, leadingSegments, normalizeDotted, normalizeGlobal, overlongGlobal } from "./names.js";

export type GlobalClass = "safe" | "ml" | "dangerous" | "unknown";

export type DenyCategory =
  | "builtins"
  | "exec"
  | "process"
  | "network"
  | "filesystem"
  | "import"
  | "install"
  | "native"
  | "nested-deserializer"
  | "code-object"
  | "dunder";

export interface GlobalClassification {
  cls: GlobalClass;
  /** Normalised full name that was classified. */
  normalized: string;
  /** The policy entry that decided, e.g. `os` for `os.system`. */
  matched?: string;
  category?: DenyCategory;
  /** How the name reached a dangerous entry when not directly (`via dotted attribute os.system`). */
  route?: string;
}

export interface PolicyData {
  version: 1;
  failOn?: Severity;
  globals?: {
    /** Exact names that may be called with the pickle's data (module + qualified name, never a namespace). */
    safe?: string[];
    /** Exact names of known ML framework classes and functions: calls allowed, reported as info. */
    ml?: string[];
    /** Classes whose `__new__` acts on its arguments (opens files…): NEWOBJ with arguments is a call. */
    newActsOnArguments?: string[];
    deny?: Partial<Record<DenyCategory, string[]>>;
  };
  /** Free-form notes (e.g. where each allowlist entry was seen); ignored by the scanner. */
  notes?: unknown;
  /** Per-rule overrides: a severity, or "off". */
  rules?: Record<string, Severity | "off" | { severity?: Severity | "off" }>;
  /** Trusted signers for `scan --require-signature` (SIG001). */
  signing?: SigningPolicyData;
  /** Accepted findings: reported as suppressed, never dropped. */
  suppressions?: SuppressionData[];
}

/** One accepted finding shape: a rule in files matching a path glob, with the reason it is accepted. */
export interface SuppressionData {
  /** Glob over the reported path (`models/legacy/**`, `*.pkl`). */
  path: string;
  /** Rule id. */
  rule: string;
  /** Mandatory: why this is acceptable, for the next reader. */
  reason: string;
  /** `YYYY-MM-DD`: from this day on the suppression no longer applies (the finding is active again, with a note). */
  expires?: string;
}

/** Who may sign models, and whether a signature is required. Paths are relative to the current folder. */
export interface SigningPolicyData {
  /** Require a valid signature for every folder scanned, as `--require-signature`. */
  require?: boolean;
  /** EC public keys (PEM) of trusted signers. */
  publicKeys?: string[];
  /** CA certificates (PEM) that trusted signing certificates chain to. */
  certificateChain?: string[];
  /** Trusted keyless (Sigstore) signers: identity and OIDC issuer, both exact. */
  identities?: { identity: string; issuer: string }[];
  /** Sigstore trusted_root.json instead of the pinned public-good one. */
  trustRoot?: string;
}

/** The signing sections of all layers merged: lists add up, settings are replaced. */
export interface SigningPolicy {
  require: boolean;
  publicKeys: string[];
  certificateChain: string[];
  identities: { identity: string; issuer: string }[];
  trustRoot?: string;
}

export interface Policy {
  /** The data layers it was built from (defaults first), so a worker thread can rebuild it. */
  readonly layers: readonly PolicyData[];
  readonly failOn: Severity;
  readonly signing: SigningPolicy;
  classifyGlobal(module: string, name: string): GlobalClassification;
  /** True for classes whose `__new__` acts on its arguments (a NEWOBJ with arguments runs it on attacker data). */
  newActsOnArguments(normalized: string): boolean;
  /** Severity for a rule after user overrides, or "off". */
  severityOf(ruleId: string, defaultSeverity: Severity): Severity | "off";
}

/** Error for policy files that do not fit the schema. */
export class PolicyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PolicyError";
  }
}

/** Classified names remembered per policy (CWE-770): hostile pickles import many distinct names. */
const MAX_CLASSIFY_CACHE = 100_000;

const DENY_ORDER: DenyCategory[] = [
  "nested-deserializer",
  "code-object",
  "native",
  "install",
  "import",
  "exec",
  "process",
  "network",
  "filesystem",
  "builtins",
];

/** Longest-prefix index of dotted names: an entry `os` covers `os`, `os.system`, `os.path.join`. */
class PrefixIndex<T> {
  private readonly map = new Map<string, T>();
  /** Segments in the longest entry: no longer prefix can match, so lookups never start above it. */
  depth = 1;

  /** Later entries win, so a user layer can move a name to another category. */
  add(entry: string, value: T): void {
    const key = normalizeDotted(entry.endsWith(".*") ? entry.slice(0, -2) : entry);
    this.map.set(key, value);
    this.depth = Math.max(this.depth, key.split(".").length);
  }

  /** The value of the longest entry that is `name` or a dotted prefix of it. */
  match(name: string): { entry: string; value: T } | undefined {
    let candidate = leadingSegments(name, this.depth);
    for (;;) {
      const value = this.map.get(candidate);
      if (value !== undefined) return { entry: candidate, value };
      const dot = candidate.lastIndexOf(".");
      if (dot === -1) return undefined;
      candidate = candidate.slice(0, dot);
    }
  }
}

/**
 * Builds the policy used by rules: which globals are known-safe, which are ML framework classes,
 * which are dangerous, and the severity of each rule. User data extends the defaults.
 *
 * @example
 * const policy = createPolicy([defaultPolicyData, userPolicyData]);
 * policy.classifyGlobal("posix", "system"); // { cls: "dangerous", category: "process", … }
 */
export function createPolicy(layers: readonly PolicyData[]): Policy {
  const safe = new Set<string>();
  const mlExact = new Set<string>();
  const newActs = new Set<string>();
  const deny = new PrefixIndex<DenyCategory>();
  const overrides = new Map<string, Severity | "off">();
  let failOn: Severity = "high";
  const signing: SigningPolicy = { require: false, publicKeys: [], certificateChain: [], identities: [] };

  for (const layer of layers) {
    validatePolicyData(layer);
    if (layer.failOn) failOn = layer.failOn;
    for (const entry of layer.globals?.safe ?? []) safe.add(normalizeDotted(entry));
    for (const entry of layer.globals?.ml ?? []) mlExact.add(normalizeDotted(entry));
    for (const entry of layer.globals?.newActsOnArguments ?? []) newActs.add(normalizeDotted(entry));
    // Within a layer the first category listed in DENY_ORDER wins; a later layer overrides.
    for (const category of [...DENY_ORDER].reverse()) {
      for (const entry of layer.globals?.deny?.[category] ?? []) deny.add(entry, category);
    }
    for (const [ruleId, value] of Object.entries(layer.rules ?? {})) {
      const severity = typeof value === "string" ? value : value.severity;
      if (severity !== undefined) overrides.set(ruleId, severity);
    }
    if (layer.signing) {
      if (layer.signing.require !== undefined) signing.require = layer.signing.require;
      if (layer.signing.trustRoot !== undefined) signing.trustRoot = layer.signing.trustRoot;
      signing.publicKeys.push(...(layer.signing.publicKeys ?? []));
      signing.certificateChain.push(...(layer.signing.certificateChain ?? []));
      signing.identities.push(...(layer.signing.identities ?? []));
    }
  }

  const cache = new Map<string, GlobalClassification>();

  function classify(module: string, name: string): GlobalClassification {
    // Linear on attacker input: a name past the limits is not matched at all (never safe).
    const overlong = overlongGlobal(module, name);
    if (overlong !== undefined) {
      const shown = `${`${module}.${name}`.slice(0, 200)}…`;
      // The module alone is still judged when it is short: anything in `os` is `os`'s.
      const byModule = module.length <= 256 ? deny.match(normalizeDotted(module)) : undefined;
      if (byModule) return { cls: "dangerous", normalized: shown, matched: byModule.entry, category: byModule.value, route: overlong };
      return { cls: "unknown", normalized: shown, route: overlong };
    }
    const normalized = normalizeGlobal(module, name);
    const raw = `${module}.${name}`;
    if (safe.has(normalized)) return { cls: "safe", normalized, matched: normalized };

    // Attribute traversal through dunders reaches interpreter internals from any module:
    // `builtins` + `__builtins__.eval`, `numpy` + `__builtins__`, `torch` + `nn.Module.__init__.__globals__`.
    // A dunder as the last segment of `builtins` is just a builtin (`__import__`), denied below.
    const attributes = name.split(".");
    // Name the deepest dunder: in `nn.Module.__init__.__globals__` it is `__globals__` that matters.
    const traversal = attributes.findLast((segment, i) => isDunder(segment) && (i < attributes.length - 1 || normalizeDotted(module) !== "builtins"));
    if (traversal !== undefined) {
      return { cls: "dangerous", normalized, matched: traversal, category: "dunder", route: `attribute ${traversal}` };
    }

    const direct = deny.match(normalized) ?? deny.match(raw);
    if (direct) return { cls: "dangerous", normalized, matched: direct.entry, category: direct.value };

    // A dotted path resolves attribute by attribute, so `torch` + `os.system` is os.system.
    const segments = normalized.split(".");
    // Only the first few segments of each suffix can meet an entry (one more than the deepest
    // entry keeps two-segment aliases such as builtins.reduce from matching a longer path).
    const depth = Math.max(deny.depth, 2) + 1;
    for (let i = 1; i < segments.length; i++) {
      const suffix = normalizeDotted(segments.slice(i, i + depth).join("."));
      const hit = deny.match(suffix);
      if (hit) {
        return {
          cls: "dangerous",
          normalized,
          matched: hit.entry,
          category: hit.value,
          route: `dotted path reaches ${suffix}`,
        };
      }
    }

    if (mlExact.has(normalized)) return { cls: "ml", normalized, matched: normalized };
    return { cls: "unknown", normalized };
  }

  return {
    layers: [...layers],
    failOn,
    signing,
    classifyGlobal(module, name) {
      const key = `${module}\u0000${name}`;
      let result = cache.get(key);
      if (!result) {
        result = classify(module, name);
        // The cache lives as long as the policy (a service keeps one for its lifetime): bounded.
        if (cache.size >= MAX_CLASSIFY_CACHE) cache.clear();
        cache.set(key, result);
      }
      return result;
    },
    newActsOnArguments(normalized) {
      return newActs.has(normalized);
    },
    severityOf(ruleId, defaultSeverity) {
      return overrides.get(ruleId) ?? defaultSeverity;
    },
  };
}

/**
 * Refuses rule ids the policy names but no rule has: a typo (`PKL01`) would otherwise leave the
 * rule at its default severity while the author believes it changed (fail closed on intent).
 *
 * @example
 * assertKnownRuleIds(data, RULES.map((r) => r.id));
 */
export function assertKnownRuleIds(data: PolicyData, knownIds: readonly string[]): void {
  const known = new Set(knownIds);
  for (const id of [...Object.keys(data.rules ?? {}), ...(data.suppressions ?? []).map((s) => s.rule)]) {
    if (!known.has(id)) throw new PolicyError(`Policy rules names unknown rule id ${JSON.stringify(id)}; run "modelvet rules" for the rule ids`);
  }
}

export function validatePolicyData(data: unknown): asserts data is PolicyData {
  if (typeof data !== "object" || data === null || Array.isArray(data)) throw new PolicyError("Policy must be an object");
  const d = data as Record<string, unknown>;
  for (const key of Object.keys(d)) {
    if (!["version", "failOn", "globals", "rules", "signing", "suppressions", "notes"].includes(key)) throw new PolicyError(`Policy has unknown key ${JSON.stringify(key)}; expected version, failOn, globals, rules, signing, suppressions, notes`);
  }
  if (d.version !== 1) throw new PolicyError(`Policy version must be 1, got ${JSON.stringify(d.version)}`);
  if (d.failOn !== undefined && !isSeverity(d.failOn)) throw new PolicyError(`Policy failOn ${JSON.stringify(d.failOn)} is not a severity`);
  // As the CLI's --fail-on: info findings describe ordinary models, so an info gate fails them all.
  if (d.failOn === "info") throw new PolicyError('Policy failOn "info" would fail every model that names a framework class; use low, medium, high or critical');
  const globals = d.globals as Record<string, unknown> | undefined;
  if (globals !== undefined) {
    if (typeof globals !== "object" || globals === null) throw new PolicyError("Policy globals must be an object");
    for (const key of Object.keys(globals)) {
      if (!["safe", "ml", "newActsOnArguments", "deny"].includes(key)) throw new PolicyError(`Policy globals has unknown key ${JSON.stringify(key)}; expected safe, ml, newActsOnArguments, deny`);
    }
    for (const key of ["safe", "ml", "newActsOnArguments"]) {
      const list = globals[key];
      if (list !== undefined && !(Array.isArray(list) && list.every((x) => typeof x === "string"))) {
        throw new PolicyError(`Policy globals.${key} must be a list of dotted names`);
      }
      // Allow names, not places: a namespace holds file, network and native-code functions too.
      const wildcard = (list as string[] | undefined)?.find((x) => x.includes("*"));
      if (wildcard !== undefined) {
        throw new PolicyError(`Policy globals.${key} entry ${JSON.stringify(wildcard)} is a namespace; list exact names (module + qualified name)`);
      }
    }
    const denyList = globals.deny as Record<string, unknown> | undefined;
    if (denyList !== undefined) {
      for (const [category, list] of Object.entries(denyList)) {
        if (!DENY_ORDER.includes(category as DenyCategory)) throw new PolicyError(`Policy globals.deny has unknown category ${JSON.stringify(category)}`);
        if (!(Array.isArray(list) && list.every((x) => typeof x === "string"))) {
          throw new PolicyError(`Policy globals.deny.${category} must be a list of dotted names`);
        }
      }
    }
  }
  validateSigning(d.signing);
  validateSuppressions(d.suppressions);
  const rules = d.rules as Record<string, unknown> | undefined;
  if (rules !== undefined) {
    for (const [id, value] of Object.entries(rules)) {
      const severity = typeof value === "object" && value !== null ? (value as { severity?: unknown }).severity : value;
      if (severity !== "off" && !isSeverity(severity)) throw new PolicyError(`Policy rules.${id} must be a severity or "off", got ${JSON.stringify(severity)}`);
    }
  }
}

function validateSuppressions(value: unknown): void {
  if (value === undefined) return;
  if (!Array.isArray(value)) throw new PolicyError("Policy suppressions must be a list of { path, rule, reason, expires? }");
  value.forEach((entry: unknown, i) => {
    const at = `Policy suppressions[${i}]`;
    if (typeof entry !== "object" || entry === null || Array.isArray(entry)) throw new PolicyError(`${at} must be an object with path, rule and reason`);
    const e = entry as Record<string, unknown>;
    for (const key of Object.keys(e)) if (!["path", "rule", "reason", "expires"].includes(key)) throw new PolicyError(`${at} has unknown key ${JSON.stringify(key)}; expected path, rule, reason, expires`);
    for (const key of ["path", "rule"]) if (typeof e[key] !== "string" || e[key] === "") throw new PolicyError(`${at}.${key} must be a non-empty string`);
    if (typeof e.reason !== "string" || e.reason.trim() === "") throw new PolicyError(`${at} needs a reason: say why this finding is acceptable`);
    if (e.expires !== undefined && (typeof e.expires !== "string" || !/^\d{4}-\d{2}-\d{2}$/.test(e.expires) || Number.isNaN(Date.parse(e.expires)))) {
      throw new PolicyError(`${at}.expires must be a date YYYY-MM-DD, got ${JSON.stringify(e.expires)}`);
    }
  });
}

function validateSigning(value: unknown): void {
  if (value === undefined) return;
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw new PolicyError("Policy signing must be an object");
  const signing = value as Record<string, unknown>;
  const keys = ["require", "publicKeys", "certificateChain", "identities", "trustRoot"];
  for (const key of Object.keys(signing)) {
    if (!keys.includes(key)) throw new PolicyError(`Policy signing has unknown key ${JSON.stringify(key)}; expected ${keys.join(", ")}`);
  }
  if (signing.require !== undefined && typeof signing.require !== "boolean") throw new PolicyError("Policy signing.require must be true or false");
  if (signing.trustRoot !== undefined && typeof signing.trustRoot !== "string") throw new PolicyError("Policy signing.trustRoot must be a file path");
  for (const key of ["publicKeys", "certificateChain"]) {
    const list = signing[key];
    if (list !== undefined && !(Array.isArray(list) && list.every((x) => typeof x === "string"))) throw new PolicyError(`Policy signing.${key} must be a list of file paths`);
  }
  const identities = signing.identities;
  const isIdentity = (x: unknown): boolean =>
    typeof x === "object" && x !== null && typeof (x as Record<string, unknown>).identity === "string" && typeof (x as Record<string, unknown>).issuer === "string" && Object.keys(x).length === 2;
  if (identities !== undefined && !(Array.isArray(identities) && identities.every(isIdentity))) {
    throw new PolicyError("Policy signing.identities must be a list of { identity, issuer }");
  }
}
