/**
 * Facts the pickle VM records about what a call site does on load, beyond "something was called".
 * The policy and the rules judge these facts; this file only names the shapes.
 *
 * - A rebuild brings a class back the usual way: NEWOBJ / NEWOBJ_EX (only the installed class's
 *   `__new__` runs), `copyreg.__newobj__`/`__newobj_ex__`, or `copyreg._reconstructor(cls, object, …)`.
 *   No attacker-chosen callable runs with attacker data.
 * - A reference maker is `getattr(x, 'name')` (how enum members and bound methods are pickled) or
 *   `functools.partial(f, …)` (stores `f` for later); their sites are kept so the rules can name the
 *   referenced attribute or the deferred callable, and tell whether the result is ever called.
 */
import { K, isObj, type CallSite, type PyValue } from "./values.js";

/** Module spellings the unpickler maps to `builtins` and `functools` (protocol 0–2 and C accelerators). */
const BUILTINS = new Set(["builtins", "__builtin__"]);
const FUNCTOOLS = new Set(["functools", "_functools"]);
const COPYREG = new Set(["copyreg", "copy_reg"]);

export type ReferenceMaker = "getattr" | "partial";

/** `builtins.getattr` or `functools.partial` as a literal import, else undefined. */
export function referenceMaker(callee: PyValue): ReferenceMaker | undefined {
  if (!isObj(callee) || callee.k !== K.Global || !callee.imp.resolved) return undefined;
  const { module, name } = callee.imp;
  if (name === "getattr" && BUILTINS.has(module)) return "getattr";
  if (name === "partial" && FUNCTOOLS.has(module)) return "partial";
  return undefined;
}

/** `copyreg._reconstructor` / `__newobj__` / `__newobj_ex__`, which instantiate their first argument. */
export function copyregInstantiator(callee: PyValue): Instantiator | undefined {
  if (!isObj(callee) || callee.k !== K.Global || !COPYREG.has(callee.imp.module)) return undefined;
  const name = callee.imp.name;
  return name === "_reconstructor" || name === "__newobj__" || name === "__newobj_ex__" ? name : undefined;
}

function isEmpty(value: PyValue | undefined): boolean {
  if (value === undefined || value === null) return true;
  if (!isObj(value)) return false;
  if (value.k === K.Tuple || value.k === K.List) return value.n === 0;
  if (value.k === K.Dict) return value.n === 0;
  return false;
}

/** `builtins.object`: `_reconstructor(cls, object, None)` is `object.__new__(cls)`. */
function isObjectBase(value: PyValue | undefined): boolean {
  return value !== undefined && isObj(value) && value.k === K.Global && BUILTINS.has(value.imp.module) && value.imp.name === "object";
}

/** Which copyreg helper produced a call site for the class it instantiates. */
export type Instantiator = "_reconstructor" | "__newobj__" | "__newobj_ex__";

/**
 * How a call site made its object. `rebuild`: only the class's own `__new__` runs (NEWOBJ and the
 * copyreg forms); `args` says whether that `__new__` received arguments (matters for the few classes
 * whose `__new__` acts on them, e.g. numpy.memmap opens a file). Anything else is a call: the
 * callable runs with the pickle's data (REDUCE, INST, OBJ).
 *
 * `via` names the copyreg helper when the site was derived from one (its class is the helper's first
 * argument and `site.args` are the helper's remaining arguments).
 */
export function siteShape(site: CallSite, via: Instantiator | undefined): { rebuild: boolean; args: boolean } {
  if (site.op === "NEWOBJ") return { rebuild: true, args: !isEmpty(site.args) };
  if (site.op === "NEWOBJ_EX") return { rebuild: true, args: !isEmpty(site.args) || !isEmpty(site.kwargs) };
  const items = isObj(site.args) && site.args.k === K.Tuple ? site.args.items : [];
  // `_reconstructor(cls, base, state)` is `base.__new__(cls, state)` + `base.__init__(obj, state)`
  // unless base is object: then it is `object.__new__(cls)`, a plain rebuild.
  if (via === "_reconstructor") return isObjectBase(items[0]) ? { rebuild: true, args: false } : { rebuild: false, args: true };
  if (via === "__newobj__") return { rebuild: true, args: items.length > 0 };
  if (via === "__newobj_ex__") return { rebuild: true, args: !items.every((item) => isEmpty(item)) };
  return { rebuild: false, args: true };
}
