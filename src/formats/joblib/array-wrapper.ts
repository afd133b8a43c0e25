import type { PickleHooks, RawAfterBuild } from "../pickle/vm.js";
import { K, isObj, type DictValue, type PyValue } from "../pickle/values.js";

/**
 * joblib writes each numpy array as a pickled `NumpyArrayWrapper` whose BUILD is followed by the
 * raw array bytes, outside any pickle opcode (joblib/numpy_pickle.py `write_array`): a
 * padding-length byte plus that many 0xFF bytes (joblib >= 1.2, `numpy_array_alignment_bytes`),
 * then `prod(shape) * itemsize` bytes. Object arrays are different: no padding byte, and the data
 * is a nested protocol-2 pickle (`pickle.dump(array, protocol=2)`), even though their wrapper
 * state carries the alignment attribute too. The VM must skip exactly that much to stay in sync.
 *
 * This shared instance keeps no state; use {@link JoblibArrayFacts} to also collect what the
 * wrappers say (for the joblib rules).
 */
export const joblibHooks: PickleHooks = {
  afterBuild(instance, state) {
    const wrapper = wrapperKind(instance);
    if (wrapper !== "array" || !isObj(state) || state.k !== K.Dict) return undefined;
    return rawArrayLayout(state);
  },
};

/** A joblib < 0.10 wrapper that makes the loader open a side file (numpy_pickle_compat.py). */
export interface SideFileReference {
  offset: number;
  wrapper: "NDArrayWrapper" | "ZNDArrayWrapper";
  /** The `filename` attribute, joined by joblib to the dump's folder (os.path.join keeps absolute paths). */
  filename: string | undefined;
}

/** What the array wrappers of one joblib pickle said, collected while the VM runs. */
export interface JoblibArrayFacts {
  /** NumpyArrayWrapper BUILDs seen. */
  arrays: number;
  /** Raw array bytes skipped (not counting padding). */
  rawBytes: number;
  /** BUILD offsets of object arrays, whose data is a nested pickle. */
  objectArrays: number[];
  /** Wrappers whose raw data could not be sized (the parse stops there). */
  unsized: { offset: number; reason: string }[];
  sideFiles: SideFileReference[];
}

/** Records kept per list (CWE-770): a large joblib dump has one wrapper per array. */
const MAX_FACTS = 10_000;

/**
 * Hooks that skip raw array data like {@link joblibHooks} and record each wrapper in `facts`.
 *
 * @example
 * const { hooks, facts } = collectingJoblibHooks();
 * const doc = await parsePickle(source, { hooks });
 * facts.sideFiles; // legacy wrappers that load other files
 */
export function collectingJoblibHooks(): { hooks: PickleHooks; facts: JoblibArrayFacts } {
  const facts: JoblibArrayFacts = { arrays: 0, rawBytes: 0, objectArrays: [], unsized: [], sideFiles: [] };
  const hooks: PickleHooks = {
    afterBuild(instance, state, offset) {
      const wrapper = wrapperKind(instance);
      if (wrapper === undefined) return undefined;
      const dict = isObj(state) && state.k === K.Dict ? state : undefined;
      if (wrapper !== "array") {
        if (facts.sideFiles.length < MAX_FACTS) {
          const filename = dict ? field(dict, "filename") : undefined;
          facts.sideFiles.push({ offset, wrapper, filename: typeof filename === "string" ? filename : undefined });
        }
        return undefined;
      }
      if (!dict) return undefined;
      const layout = rawArrayLayout(dict);
      facts.arrays++;
      if (layout.kind === "raw") facts.rawBytes += layout.bytes;
      else if (layout.kind === "nested-pickle" && facts.objectArrays.length < MAX_FACTS) facts.objectArrays.push(offset);
      else if (layout.kind === "unsized" && facts.unsized.length < MAX_FACTS) facts.unsized.push({ offset, reason: layout.reason });
      return layout;
    },
  };
  return { hooks, facts };
}

const ARRAY_WRAPPERS = new Set(["joblib.numpy_pickle.NumpyArrayWrapper", "sklearn.externals.joblib.numpy_pickle.NumpyArrayWrapper"]);
const LEGACY_WRAPPERS: Record<string, SideFileReference["wrapper"]> = {
  "joblib.numpy_pickle.NDArrayWrapper": "NDArrayWrapper",
  "joblib.numpy_pickle_compat.NDArrayWrapper": "NDArrayWrapper",
  "sklearn.externals.joblib.numpy_pickle.NDArrayWrapper": "NDArrayWrapper",
  "sklearn.externals.joblib.numpy_pickle_compat.NDArrayWrapper": "NDArrayWrapper",
  "joblib.numpy_pickle.ZNDArrayWrapper": "ZNDArrayWrapper",
  "joblib.numpy_pickle_compat.ZNDArrayWrapper": "ZNDArrayWrapper",
  "sklearn.externals.joblib.numpy_pickle.ZNDArrayWrapper": "ZNDArrayWrapper",
  "sklearn.externals.joblib.numpy_pickle_compat.ZNDArrayWrapper": "ZNDArrayWrapper",
};

/** True for the module paths joblib's wrappers live in (a pickle importing them is a joblib dump). */
export function isJoblibWrapperName(module: string, name: string): boolean {
  const full = `${module}.${name}`;
  return ARRAY_WRAPPERS.has(full) || full in LEGACY_WRAPPERS;
}

/**
 * The wrapper class of an instance: made by NEWOBJ/OBJ/INST of the class itself, or, at
 * protocols 0 and 1, by `copyreg._reconstructor(cls, object, None)`.
 */
function wrapperKind(instance: PyValue): "array" | SideFileReference["wrapper"] | undefined {
  if (!isObj(instance) || instance.k !== K.Call) return undefined;
  let cls = instance.call.callee;
  if (isObj(cls) && cls.k === K.Global && cls.imp.name === "_reconstructor" && (cls.imp.module === "copyreg" || cls.imp.module === "copy_reg")) {
    const args = instance.call.args;
    cls = isObj(args) && args.k === K.Tuple ? (args.items[0] ?? null) : null;
  }
  // Every wrapper lives in a joblib module: other classes (a BUILD per object of any pickle) are
  // turned away without building their dotted name.
  if (!isObj(cls) || cls.k !== K.Global || !cls.imp.module.includes("joblib")) return undefined;
  const full = `${cls.imp.module}.${cls.imp.name}`;
  if (ARRAY_WRAPPERS.has(full)) return "array";
  return LEGACY_WRAPPERS[full];
}

function field(dict: DictValue, key: string): PyValue | undefined {
  for (let i = 0; i + 1 < dict.pairs.length; i += 2) if (dict.pairs[i] === key) return dict.pairs[i + 1];
  return undefined;
}

/** The layout of the bytes that follow, or a reason the wrapper cannot be sized. */
function rawArrayLayout(state: DictValue): RawAfterBuild {
  const itemsize = dtypeItemsize(field(state, "dtype"));
  // write_array: object arrays are pickled with no padding byte, whatever the wrapper state says.
  if (itemsize === "object") return { kind: "nested-pickle", padded: false };
  const padded = field(state, "numpy_array_alignment_bytes");
  const alignment = padded !== undefined && padded !== null;
  const shape = field(state, "shape") ?? null;
  if (itemsize === undefined || !isObj(shape) || shape.k !== K.Tuple || shape.n !== shape.items.length) {
    return { kind: "unsized", reason: "NumpyArrayWrapper state has no readable shape or dtype" };
  }
  let count = 1;
  for (const dim of shape.items) {
    if (typeof dim !== "number" || !Number.isSafeInteger(dim) || dim < 0) return { kind: "unsized", reason: `NumpyArrayWrapper shape has a bad dimension ${String(dim)}` };
    count *= dim;
  }
  const bytes = count * itemsize;
  if (!Number.isSafeInteger(bytes)) return { kind: "unsized", reason: "NumpyArrayWrapper array size overflows" };
  return { kind: "raw", bytes, padded: alignment };
}

/**
 * Item size from the `numpy.dtype('<f8', False, True)` reconstruction, or "object". Flexible
 * types (`V16`, `U5`, `S3`) carry their size in the name; the BUILD state's elsize agrees.
 */
function dtypeItemsize(dtype: PyValue | undefined): number | "object" | undefined {
  if (dtype === undefined || !isObj(dtype) || dtype.k !== K.Call) return undefined;
  const args = dtype.call.args;
  if (!isObj(args) || args.k !== K.Tuple) return undefined;
  const spec = args.items[0];
  if (typeof spec !== "string") return undefined;
  const match = /^[<>|=]?([a-zA-Z?])(\d*)$/.exec(spec);
  if (!match) return undefined;
  const kind = match[1] as string;
  const n = match[2] === "" ? undefined : Number(match[2]);
  if (kind === "O") return "object";
  if (n === undefined) return kind === "b" || kind === "?" ? 1 : undefined;
  return kind === "U" ? n * 4 : n;
}
