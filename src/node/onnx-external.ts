import { lstat, realpath } from "node:fs/promises";
import { dirname, isAbsolute, join, relative } from "node:path";
import type { OnnxDocument, OnnxExternalFileDocument } from "../formats/onnx/types.js";

/** External data files looked at per model (CWE-400): a model may name many tensors, few files. */
const MAX_EXTERNAL_FILES = 10_000;

/**
 * What the file-system says about an ONNX model's external data files: the parser can only see
 * the location strings, so links and files outside the scanned folder are checked here (ONNX004,
 * CVE-2026-27489). Locations that already escape by their text are ONNX001's and skipped here.
 */
export async function checkOnnxExternalFiles(model: { absolute: string; shown: string }, doc: OnnxDocument, root: string): Promise<OnnxExternalFileDocument[]> {
  const out: OnnxExternalFileDocument[] = [];
  const seen = new Set<string>();
  const rootReal = await realpath(root).catch(() => root);
  for (const tensor of doc.externalData) {
    const location = tensor.location;
    if (!location || location.escapes || location.issues.length > 0 || seen.has(location.normalized)) continue;
    if (seen.size >= MAX_EXTERNAL_FILES) break;
    seen.add(location.normalized);
    const target = join(dirname(model.absolute), location.normalized);
    const base = { format: "onnx-external-file" as const, model: model.shown, tensor: tensor.tensor, location: location.raw };
    const info = await lstat(target).catch(() => undefined);
    if (!info) continue; // a missing file makes the loader fail; nothing is read through it
    const resolved = await realpath(target).catch(() => undefined);
    const rel = resolved === undefined ? "" : relative(rootReal, resolved);
    const outside = resolved !== undefined && (rel.startsWith("..") || isAbsolute(rel));
    if (info.isSymbolicLink()) out.push({ ...base, problem: "symlink", ...(resolved ? { resolved } : {}) });
    else if (outside) out.push({ ...base, problem: "outside-folder", resolved: resolved as string });
    else if (info.isFile() && info.nlink > 1) out.push({ ...base, problem: "hard-link" });
  }
  return out;
}
