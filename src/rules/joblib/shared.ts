import type { SideFileReference } from "../../formats/joblib/array-wrapper.js";

/** True when joblib's os.path.join(dirname, filename) can leave the dump's folder. */
export function escapesFolder(ref: SideFileReference): boolean {
  const f = ref.filename;
  if (f === undefined) return true;
  return f.startsWith("/") || f.startsWith("\\") || /^[A-Za-z]:/.test(f) || f.split(/[\\/]/).includes("..") || f.includes("\0");
}

export function describeSideFile(ref: SideFileReference): string {
  return ref.wrapper === "NDArrayWrapper"
    ? "numpy.load(<dump folder>/<filename>, allow_pickle=True), which unpickles any non-.npy file"
    : "zlib-decompresses <dump folder>/<filename> into an array";
}
