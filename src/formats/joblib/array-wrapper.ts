import type { PickleHooks, RawAfterBuild } from "../pickle/vm.js";
import { K, isObj, type DictValue, type PyValue } from "../pickle/values.js";

/**
 * joblib writes each numpy array as a pickled `NumpyArrayWrapper` whose BUILD is followed by the
 * raw array bytes, outside any pickle opcode (joblib/numpy_pickle.py `write_array`): an optional
 * padding-length byte plus that many 0xFF bytes (joblib >= 1.2, `numpy_array_alignment_bytes`),
 * then `prod(shape) * itemsize` bytes, or a nested pickle for object arrays. The VM must skip
 * exactly that much to stay in sync with the stream.
 */
export const joblibHooks: PickleHooks = {
  afterBuild(instance, state) {
    if (!isWrapper(instance) || !isObj(state) || state.k !== K.Dict) return undefined;
    return rawArrayLayout(state);
  },
};

const WRAPPERS = new Set(["joblib.numpy_pickle.NumpyArrayWrapper", "sklearn.externals.joblib.numpy_pickle.NumpyArrayWrapper"]);

function isWrapper(value: PyValue): boolean {
  if (!isObj(value) || value.k !== K.Call) return false;
  const callee = value.call.callee;
  return isObj(callee) && callee.k === K.Global && WRAPPERS.has(`${callee.imp.module}.${callee.imp.name}`);
}

function field(dict: DictValue, key: string): PyValue | undefined {
  for (let i = 0; i + 1 < dict.pairs.length; i += 2) if (dict.pairs[i] === key) return dict.pairs[i + 1];
  return undefined;
}

/** The layout of the bytes that follow, or a reason the wrapper cannot be sized. */
function rawArrayLayout(state: DictValue): RawAfterBuild {
  const padded = field(state, "numpy_array_alignment_bytes");
  const alignment = padded !== undefined && padded !== null;
  const itemsize = dtypeItemsize(field(state, "dtype"));
  if (itemsize === "object") return { kind: "nested-pickle", padded: alignment };
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

/** Item size from `numpy.dtype('<f8', False, True)` style reconstruction, or "object". */
function dtypeItemsize(dtype: PyValue | undefined): number | "object" | undefined {
  if (dtype === undefined || !isObj(dtype) || dtype.k !== K.Call) return undefined;
  const args = dtype.call.args;
  if (!isObj(args) || args.k !== K.Tuple) return undefined;
  const spec = args.items[0];
  if (typeof spec !== "string") return undefined;
  const match = /^[<>|=]?([a-zA-Z])(\d*)$/.exec(spec);
  if (!match) return undefined;
  const kind = match[1] as string;
  const n = match[2] === "" ? undefined : Number(match[2]);
  if (kind === "O") return "object";
  if (n === undefined) return kind === "b" || kind === "?" ? 1 : undefined;
  return kind === "U" ? n * 4 : n;
}
