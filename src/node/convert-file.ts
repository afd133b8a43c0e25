import { Worker } from "node:worker_threads";
import { lstat, readFile, writeFile } from "node:fs/promises";
import { basename, dirname, extname, join } from "node:path";
import { planConversion, type ConversionPlan } from "../convert/checkpoint.js";
import { MAX_INDEX_BYTES, renameShard, shardIndexPlan } from "../convert/shard-index.js";
import type { FileReport } from "../core/finding.js";
import type { Policy } from "../policy/policy.js";
import { FileSource } from "./file-source.js";
import { PathError, scanPaths } from "./scan-paths.js";
import { writeSafetensors } from "./write-safetensors.js";

export interface ConvertOptions {
  policy: Policy;
  /** Output path (default: next to the input, `.safetensors`). For an index: the output folder. */
  out?: string;
  stateDictKey?: string;
  overwrite?: boolean;
}

/** One converted (or refused) file. */
export interface ConvertedFile {
  input: string;
  output?: string;
  /** Why nothing was written. */
  refused?: string;
  /** The scan that gated the conversion, when it found something. */
  scan?: FileReport;
  plan?: ConversionPlan;
  bytes?: number;
  sha256?: string;
}

export interface ConvertResult {
  files: ConvertedFile[];
  /** Written for a sharded checkpoint. */
  index?: string;
}

/**
 * Converts a PyTorch checkpoint (zip or legacy), `.npy`, `.npz`, or a Hugging Face sharded
 * checkpoint (its `pytorch_model.bin.index.json`) to safetensors without loading it. The file is
 * scanned first and refused unless the scan is clean; then only tensor rebuilds and plain
 * containers are accepted (see docs/convert.md).
 *
 * @example
 * const r = await convertPath("pytorch_model.bin", { policy: defaultPolicy() });
 */
export async function convertPath(input: string, options: ConvertOptions): Promise<ConvertResult> {
  if ((await lstat(input).catch(() => undefined)) === undefined) throw new PathError(`cannot convert ${JSON.stringify(input)}: no such file or directory`);
  if (input.endsWith(".index.json")) return convertSharded(input, options);
  const out = options.out ?? defaultOutput(input);
  return { files: [await convertOne(input, out, options)] };
}

/** Beside the input, named as Hugging Face's convert.py names it (`pytorch_model.bin` -> `model.safetensors`). */
function defaultOutput(input: string): string {
  return join(dirname(input), renameShard(basename(input)));
}

async function convertOne(input: string, output: string, options: ConvertOptions): Promise<ConvertedFile> {
  const result: ConvertedFile = { input };
  const info = await lstat(input).catch(() => undefined);
  if (info === undefined || !info.isFile()) return { ...result, refused: info === undefined ? "No such file" : "Not a regular file (folders and links are not converted; name the file itself)" };
  const report = (await scanPaths([input], { policy: options.policy })).files[0];
  if (report === undefined) return { ...result, refused: "The path is not a regular file" };
  if (report.verdict !== "clean") {
    const first = report.findings[0]?.message ?? report.errors[0]?.message ?? "";
    return { ...result, scan: report, refused: `The scan verdict is ${report.verdict}${first ? `: ${first}` : ""}; only files that scan clean are converted` };
  }
  const source = await FileSource.open(input);
  try {
    const planOptions = { ...(options.stateDictKey !== undefined ? { stateDictKey: options.stateDictKey } : {}), npyName: basename(input, extname(input)) };
    const planned = await planConversion(source, planOptions);
    if (!planned.ok) return { ...result, refused: planned.refusal.message };
    // The digest is computed in a worker while the tensors are copied, then patched into the header.
    const digest = sha256InWorker(input);
    digest.catch(() => undefined);
    const metadata = (sha: string): Record<string, string> => ({ ...Object.fromEntries(planned.plan.removed), format: "pt", source_sha256: sha });
    const { bytes } = await writeSafetensors(output, planned.plan.tensors, metadata(DIGEST_PLACEHOLDER), {
      overwrite: options.overwrite === true,
      finalMetadata: async () => metadata(await digest),
    });
    return { ...result, output, plan: planned.plan, bytes, sha256: await digest };
  } finally {
    await source.close();
  }
}

/** Same length as a hex SHA-256, so patching the digest in does not move the data. */
const DIGEST_PLACEHOLDER = "0".repeat(64);

const HASH_WORKER = `
const { createHash } = require("node:crypto");
const { createReadStream } = require("node:fs");
const { parentPort, workerData } = require("node:worker_threads");
const hash = createHash("sha256");
createReadStream(workerData, { highWaterMark: 4 * 1024 * 1024 })
  .on("data", (chunk) => hash.update(chunk))
  .on("error", (error) => { throw error; })
  .on("end", () => parentPort.postMessage(hash.digest("hex")));
`;

/** SHA-256 of a file on another thread, so hashing overlaps the copy instead of adding to it. */
function sha256InWorker(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(HASH_WORKER, { eval: true, workerData: path });
    worker.once("message", (hex: string) => resolve(hex));
    worker.once("error", reject);
    worker.once("exit", (code) => (code === 0 ? undefined : reject(new Error(`Hash worker exited with ${code}`))));
  });
}

async function convertSharded(index: string, options: ConvertOptions): Promise<ConvertResult> {
  const info = await lstat(index);
  if (!info.isFile()) throw new Error(`${JSON.stringify(index)} is not a regular file`);
  if (info.size > MAX_INDEX_BYTES) return { files: [{ input: index, refused: `The index is ${info.size} bytes, over ${MAX_INDEX_BYTES} (MAX_INDEX_BYTES)` }] };
  const plan = shardIndexPlan(await readFile(index, "utf8"));
  if (!plan.ok) return { files: [{ input: index, refused: plan.message }] };
  const folder = dirname(index);
  const outFolder = options.out ?? folder;
  const files: ConvertedFile[] = [];
  for (const [shard, renamed] of plan.value.shards) {
    files.push(await convertOne(join(folder, shard), join(outFolder, renamed), options));
  }
  if (files.some((f) => f.refused !== undefined)) return { files };
  const indexOut = join(outFolder, basename(index).replace("pytorch_model.bin", "model.safetensors").replace(/\.bin\.index\.json$/, ".safetensors.index.json"));
  await writeFile(indexOut, plan.value.indexJson, { flag: options.overwrite ? "w" : "wx" });
  return { files, index: indexOut };
}
