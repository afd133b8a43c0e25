import { lstat, realpath } from "node:fs/promises";
import { dirname, isAbsolute, join, relative, sep } from "node:path";
import type { OnnxDocument, OnnxExternalFileDocument } from "../formats/onnx/types.js";
import { binary, displayPath, fromBinary, toOsPath, type OsPath } from "./os-path.js";

/** External data files looked at per model (CWE-400): a model may name many tensors, few files. */
export const MAX_EXTERNAL_FILES = 10_000;

/**
 * What the file-system says about an ONNX model's external data files: the parser can only see
 * the location strings, so links and files outside the scanned folder are checked here (ONNX004,
 * CVE-2026-27489). Locations that already escape by their text are ONNX001's and skipped here.
 */
export async function checkOnnxExternalFiles(
  model: { absolute: OsPath | string; shown: string },
  doc: OnnxDocument,
  { root, maxFiles = MAX_EXTERNAL_FILES }: { root: OsPath | string; maxFiles?: number },
): Promise<OnnxExternalFileDocument[]> {
  const out: OnnxExternalFileDocument[] = [];
  const seen = new Set<string>();
  // Paths as bytes in latin1 strings (see os-path.ts): a non-UTF-8 folder name still resolves.
  const rootPath = toOsPath(root);
  const rootReal = binary(await realpath(rootPath, { encoding: "buffer" }).catch(() => rootPath));
  const modelPath = binary(toOsPath(model.absolute));
  for (const tensor of doc.externalData) {
    const location = tensor.location;
    if (!location || location.escapes || location.issues.length > 0 || seen.has(location.normalized)) continue;
    if (seen.size >= maxFiles) {
      // Every limit speaks: the files past it were not checked, so the caller fails closed.
      throw new ExternalFilesLimitError(`More than ${maxFiles} external data files; the rest were not checked for links and escapes`);
    }
    seen.add(location.normalized);
    const target = fromBinary(join(dirname(modelPath), binary(toOsPath(location.normalized))));
    const base = { format: "onnx-external-file" as const, model: model.shown, tensor: tensor.tensor, location: location.raw };
    const info = await lstat(target).catch(() => undefined);
    if (!info) continue; // a missing file makes the loader fail; nothing is read through it
    const real = await realpath(target, { encoding: "buffer" }).catch(() => undefined);
    const resolved = real === undefined ? undefined : displayPath(real);
    const rel = real === undefined ? "" : relative(rootReal, binary(real));
    const outside = real !== undefined && (rel === ".." || rel.startsWith(`..${sep}`) || isAbsolute(rel));
    if (info.isSymbolicLink()) out.push({ ...base, problem: "symlink", ...(resolved ? { resolved } : {}) });
    else if (outside) out.push({ ...base, problem: "outside-folder", resolved: resolved as string });
    else if (info.isFile() && info.nlink > 1) out.push({ ...base, problem: "hard-link" });
  }
  return out;
}

/** Thrown when a model names more external data files than are checked. */
export class ExternalFilesLimitError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ExternalFilesLimitError";
  }
}
