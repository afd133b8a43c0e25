/**
 * What loading a pickle does, name by name: the effect model the pickle rules judge.
 *
 * Every name the stream reaches is either a literal import or an attribute reference
 * (`getattr(<global or instance>, '<literal>')`). For each name we count how it is used:
 * - calls: it runs with the pickle's data (REDUCE, INST, OBJ; a called getattr/partial result);
 * - rebuilds: a class brought back through NEWOBJ or copyreg (only installed `__new__`/`__setstate__` run);
 * - deferred: stored in `functools.partial` that nothing in the stream calls (it runs later, in the app);
 * - referenced: anything else (imported, passed as a value, an enum member, a bound method).
 * The rules turn uses into findings with the policy's classification of the name.
 */
import { referenceMaker } from "../../formats/pickle/effects.js";
import { importName, render } from "../../formats/pickle/render.js";
import type { PickleDocument } from "../../formats/pickle/types.js";
import { K, isObj, type CallSite, type ImportRecord, type PyValue } from "../../formats/pickle/values.js";
import type { GlobalClassification, Policy } from "../../policy/policy.js";

/** getattr chains deeper than this are not named (they stay dynamic calls, judged high). */
const MAX_CHAIN = 8;

export interface NameUse {
  module: string;
  /** Dotted name inside the module (`IntervalStrategy.STEPS`). */
  name: string;
  /** The import the name came from (for a reference: the import at the root of the getattr chain). */
  imp: ImportRecord;
  /** True when reached through getattr rather than imported directly. */
  attribute: boolean;
  /** The getattr base was an instance of the class (a bound method), not the class itself. */
  onInstance: boolean;
  c: GlobalClassification;
  calls: number;
  rebuilds: number;
  /** Rebuilds whose `__new__` got arguments. */
  rebuildsWithArgs: number;
  deferred: number;
  offset: number;
  /**
   * A call or reference rendered for evidence, made when a finding quotes it: most names of a
   * benign file are allowed and never quoted, and rendering each one cost a folder scan of small
   * pickles some 6 % of its time.
   */
  sample?: () => string;
}

export interface EffectModel {
  uses: NameUse[];
  /** getattr imports whose every call was a literal attribute reference (judged through the names they reach). */
  plainGetattr: Set<ImportRecord>;
  /** Dynamic call groups (callee not an import) that were resolved to a named use. */
  resolvedDynamic: Set<string>;
  /** partial() calls whose callable could not be named, and BUILD on getattr results. */
  unnamedDeferred: CallSite[];
  buildsOnReferences: { site: CallSite; use: NameUse }[];
}

interface Named {
  module: string;
  name: string;
  imp: ImportRecord;
  attribute: boolean;
  onInstance: boolean;
}

const models = new WeakMap<PickleDocument, WeakMap<Policy, EffectModel>>();

/** The effect model of a document under a policy, computed once. */
export function effectsOf(doc: PickleDocument, policy: Policy): EffectModel {
  let byPolicy = models.get(doc);
  if (!byPolicy) {
    byPolicy = new WeakMap();
    models.set(doc, byPolicy);
  }
  let model = byPolicy.get(policy);
  if (!model) {
    model = buildModel(doc, policy);
    byPolicy.set(policy, model);
  }
  return model;
}

function tupleItems(value: PyValue): PyValue[] {
  return isObj(value) && value.k === K.Tuple ? value.items : [];
}

/** The class an instance was made from (NEWOBJ/REDUCE of a class, or a copyreg helper's first argument). */
function classOfInstance(value: PyValue): ImportRecord | undefined {
  if (!isObj(value) || value.k !== K.Call) return undefined;
  const site = value.call;
  const callee = site.callee;
  if (!isObj(callee) || callee.k !== K.Global || !callee.imp.resolved) return undefined;
  const { module, name } = callee.imp;
  if ((module === "copyreg" || module === "copy_reg") && ["_reconstructor", "__newobj__", "__newobj_ex__"].includes(name)) {
    const cls = tupleItems(site.args)[0];
    return cls !== undefined && isObj(cls) && cls.k === K.Global && cls.imp.resolved ? cls.imp : undefined;
  }
  if (referenceMaker(callee) !== undefined) return undefined;
  return callee.imp;
}

/** The name a value stands for: a literal import, or `getattr(<named or instance>, '<literal>')`. */
export function nameOf(value: PyValue, depth = 0): Named | undefined {
  if (!isObj(value) || depth > MAX_CHAIN) return undefined;
  if (value.k === K.Global) {
    return value.imp.resolved ? { module: value.imp.module, name: value.imp.name, imp: value.imp, attribute: false, onInstance: false } : undefined;
  }
  if (value.k !== K.Call || referenceMaker(value.call.callee) !== "getattr" || value.call.op === "BUILD") return undefined;
  const [base, attr] = tupleItems(value.call.args);
  if (typeof attr !== "string" || base === undefined || tupleItems(value.call.args).length !== 2) return undefined;
  const named = nameOf(base, depth + 1);
  if (named) return { ...named, name: `${named.name}.${attr}`, attribute: true };
  const cls = classOfInstance(base);
  if (cls) return { module: cls.module, name: `${cls.name}.${attr}`, imp: cls, attribute: true, onInstance: true };
  return undefined;
}

/** The callable a `functools.partial(f, …)` result stores, when it can be named. */
function partialTarget(site: CallSite): PyValue | undefined {
  return tupleItems(site.args)[0];
}

function buildModel(doc: PickleDocument, policy: Policy): EffectModel {
  const uses = new Map<string, NameUse>();
  const useOf = (named: Named, offset: number): NameUse => {
    const key = `${named.module}\u0000${named.name}\u0000${named.onInstance ? "i" : ""}`;
    let use = uses.get(key);
    if (!use) {
      use = {
        module: named.module,
        name: named.name,
        imp: named.imp,
        attribute: named.attribute,
        onInstance: named.onInstance,
        c: classifyName(named, policy),
        calls: 0,
        rebuilds: 0,
        rebuildsWithArgs: 0,
        deferred: 0,
        offset,
      };
      uses.set(key, use);
    }
    return use;
  };

  // Literal imports, with how each call group used them.
  for (const imp of doc.imports) {
    if (!imp.resolved) continue;
    useOf({ module: imp.module, name: imp.name, imp, attribute: false, onInstance: false }, imp.offset);
  }
  const resolvedDynamic = new Set<string>();
  for (const [key, group] of doc.calls) {
    if (group.imp) {
      if (!group.imp.resolved) continue;
      const use = useOf({ module: group.imp.module, name: group.imp.name, imp: group.imp, attribute: false, onInstance: false }, group.imp.offset);
      use.calls += group.count - group.rebuilds;
      use.rebuilds += group.rebuilds;
      use.rebuildsWithArgs += group.rebuildsWithArgs;
      const sample = group.samples.find((s) => !["NEWOBJ", "NEWOBJ_EX"].includes(s.op)) ?? group.samples[0];
      if (sample) use.sample ??= () => `${sample.op} at ${sample.offset}: ${sample.text}`;
      continue;
    }
    // A called getattr result is a call of the attribute; a called partial is a call of its target.
    if (group.ops.has("BUILD") || !isObj(group.callee) || group.callee.k !== K.Call) continue;
    const inner = group.callee.call;
    const maker = referenceMaker(inner.callee);
    const named = maker === "getattr" ? nameOf(group.callee) : maker === "partial" ? nameOf(partialTarget(inner) ?? null) : undefined;
    if (!named) continue;
    const use = useOf(named, inner.offset);
    use.calls += group.count;
    const sample = group.samples[0];
    if (sample) use.sample = () => `${sample.op} at ${sample.offset}: ${sample.text}`;
    resolvedDynamic.add(key);
  }

  // Attribute references and deferred callables.
  const plainCounts = new Map<ImportRecord, number>();
  const unnamedDeferred: CallSite[] = [];
  const buildsOnReferences: { site: CallSite; use: NameUse }[] = [];
  for (const site of doc.referenceSites) {
    if (site.op === "BUILD") {
      const target = site.callee;
      if (!isObj(target) || target.k !== K.Call) continue;
      if (referenceMaker(target.call.callee) === "partial") {
        // partial.__setstate__ replaces the stored callable with the state's first item.
        const replaced = tupleItems(site.args)[0];
        const named = replaced === undefined ? undefined : nameOf(replaced);
        if (named) useOf(named, site.offset).deferred++;
        else if (replaced !== undefined && isObj(replaced)) unnamedDeferred.push(site);
        continue;
      }
      const named = nameOf(target);
      if (named && !named.onInstance) buildsOnReferences.push({ site, use: useOf(named, site.offset) });
      continue;
    }
    const maker = referenceMaker(site.callee);
    if (maker === "getattr") {
      const named = nameOf({ k: K.Call, call: site });
      if (!named) continue;
      const use = useOf(named, site.offset);
      use.sample ??= () => `getattr at ${site.offset}: ${render({ k: K.Call, call: site }, 160)}`;
      const getter = (site.callee as { imp: ImportRecord }).imp;
      plainCounts.set(getter, (plainCounts.get(getter) ?? 0) + 1);
    } else if (maker === "partial") {
      const target = partialTarget(site);
      const named = target === undefined ? undefined : nameOf(target);
      if (named) {
        const use = useOf(named, site.offset);
        use.deferred++;
        use.sample ??= () => `partial at ${site.offset}: ${render({ k: K.Call, call: site }, 160)}`;
      } else unnamedDeferred.push(site);
    }
  }
  const plainGetattr = new Set<ImportRecord>();
  for (const [getter, n] of plainCounts) if (n === (doc.importCalls.get(getter) ?? 0)) plainGetattr.add(getter);

  return { uses: [...uses.values()], plainGetattr, resolvedDynamic, unnamedDeferred, buildsOnReferences };
}

/**
 * A reference is classified by its whole dotted name, like an import of that name: a dunder
 * anywhere, a denied prefix, or a dotted suffix spelling a denied module all count (fail closed).
 */
function classifyName(named: Named, policy: Policy): GlobalClassification {
  return policy.classifyGlobal(named.module, named.name);
}

/** `IntervalStrategy.STEPS (via getattr)` or the import's own spelling. */
export function describeUse(use: NameUse): string {
  const raw = use.attribute ? `${use.module}.${use.name}` : importName(use.imp);
  const normalized = use.c.normalized !== `${use.module}.${use.name}` ? ` (${use.c.normalized})` : "";
  const how = use.onInstance ? " (a bound method, via getattr)" : use.attribute ? " (via getattr)" : "";
  return `${raw}${normalized}${how}`;
}

/** Evidence line for a use. */
export function useEvidence(use: NameUse): string {
  const counts = [
    use.calls ? `${use.calls} call(s)` : "",
    use.rebuilds ? `${use.rebuilds} rebuild(s)` : "",
    use.deferred ? `${use.deferred} deferred in functools.partial` : "",
  ].filter(Boolean);
  const head = counts.length ? counts.join(", ") : `imported by ${use.imp.via} at offset ${use.imp.offset}, not called`;
  return use.sample ? `${head}; ${use.sample()}` : head;
}

/** True when the name runs with the pickle's data on load. */
export function isCalledUse(use: NameUse, policy: Policy): boolean {
  return use.calls > 0 || (use.rebuildsWithArgs > 0 && policy.newActsOnArguments(use.c.normalized));
}
