import { stat } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { DEFAULT_SIGNATURE_NAME } from "./sign-model.js";

/**
 * The one default place of a model's signature, shared by `sign`, `verify`, `lock` and
 * `scan --require-signature`: `<folder>/model.sig` inside a model folder, `<file>.sig` next to a
 * one-file model. Per model, so signing a second model never overwrites the first one's signature,
 * and the signature travels with the folder it signs.
 *
 * @example
 * await defaultSignaturePath("models/bert");     // "models/bert/model.sig"
 * await defaultSignaturePath("models/tiny.onnx"); // "models/tiny.onnx.sig"
 */
export async function defaultSignaturePath(modelPath: string): Promise<string> {
  const info = await stat(modelPath).catch(() => undefined);
  return info?.isFile() === true ? `${modelPath}.sig` : join(modelPath, DEFAULT_SIGNATURE_NAME);
}

/**
 * The signature of the folder a file sits in, when there is one: scanning one file of a signed
 * folder finds it, and says that the signature covers the whole folder.
 */
export async function enclosingFolderSignature(filePath: string): Promise<string | undefined> {
  if (basename(filePath) === DEFAULT_SIGNATURE_NAME) return undefined;
  if ((await stat(filePath).catch(() => undefined))?.isFile() !== true) return undefined;
  const candidate = join(dirname(filePath), DEFAULT_SIGNATURE_NAME);
  const info = await stat(candidate).catch(() => undefined);
  return info?.isFile() === true ? candidate : undefined;
}
