import { Option, type Command } from "commander";
import type { ConvertedFile, ConvertResult } from "../../node/convert-file.js";
import { printable } from "../../report/printable.js";
import { EXIT } from "../exit-codes.js";
import type { CommandContext } from "./context.js";

interface ConvertFlags {
  out?: string;
  stateDictKey?: string;
  overwrite?: boolean;
  policy?: string;
  format: "text" | "json";
}

export function addConvertCommand(program: Command, ctx: CommandContext): void {
  program
    .command("convert")
    .description("convert a PyTorch checkpoint, .npy/.npz or sharded checkpoint to safetensors without loading it")
    .argument("<file>", "pytorch_model.bin, a .pt/.pth/.ckpt, .npy, .npz, or pytorch_model.bin.index.json")
    .option("-o, --out <path>", "output file (for an index: output folder); default: beside the input, pytorch_model.bin -> model.safetensors")
    .option("--state-dict-key <key>", "sub-dict holding the weights in a training checkpoint (default: state_dict, then model, then module)")
    .option("--overwrite", "replace existing output files")
    .option("-p, --policy <file>", "policy file for the scan that gates the conversion")
    .addOption(new Option("-f, --format <format>", "output format").choices(["text", "json"]).default("text"))
    .addHelpText("after", "\nThe file is scanned first and converted only when the scan is clean; its pickle may only\nrebuild tensors and plain containers. Nothing is executed. Exit 0 converted, 1 refused.\n")
    .action(async (file: string, flags: ConvertFlags) => {
      const { convertPath } = await import("../../node/convert-file.js");
      const { loadPolicy } = await import("../../node/policy-file.js");
      const policy = await loadPolicy(flags.policy);
      const result = await convertPath(file, { policy, ...(flags.out !== undefined ? { out: flags.out } : {}), ...(flags.stateDictKey !== undefined ? { stateDictKey: flags.stateDictKey } : {}), overwrite: flags.overwrite === true });
      ctx.io.stdout.write(flags.format === "json" ? renderJson(result) : renderText(result));
      ctx.setExitCode(result.files.every((f) => f.refused === undefined) ? EXIT.ok : EXIT.fail);
    });
}

function renderText(result: ConvertResult): string {
  const lines: string[] = [];
  for (const f of result.files) lines.push(...fileLines(f));
  if (result.index !== undefined) lines.push(`wrote index ${printable(result.index)}`);
  return `${lines.join("\n")}\n`;
}

function fileLines(f: ConvertedFile): string[] {
  if (f.refused !== undefined) {
    const lines = [`refused ${printable(f.input)}: ${printable(f.refused)}`];
    for (const finding of f.scan?.findings.slice(0, 5) ?? []) lines.push(`  ${finding.severity} ${finding.ruleId}: ${printable(finding.message)}`);
    return lines;
  }
  const plan = f.plan;
  const lines = [`converted ${printable(f.input)} -> ${printable(f.output ?? "")}: ${plan?.tensors.length ?? 0} tensors, ${f.bytes ?? 0} bytes (source sha256 ${f.sha256 ?? ""})`];
  if (plan === undefined) return lines;
  if (plan.stateDictKey !== undefined) lines.push(`  weights taken from the ${JSON.stringify(plan.stateDictKey)} entry of the checkpoint`);
  for (const [removed, kept] of plan.removed) lines.push(`  tied weights: ${printable(removed)} shares storage with ${printable(kept)}; only ${printable(kept)} is written (recorded in __metadata__, as Hugging Face's converter does)`);
  const strided = plan.tensors.filter((t) => t.copiedContiguous);
  if (strided.length > 0) lines.push(`  ${strided.length} non-contiguous tensor(s) written contiguous: ${strided.slice(0, 5).map((t) => printable(t.name)).join(", ")}`);
  if (plan.skippedCount > 0) lines.push(`  ${plan.skippedCount} non-tensor entries not written: ${plan.skipped.slice(0, 5).map(printable).join("; ")}`);
  return lines;
}

function renderJson(result: ConvertResult): string {
  const files = result.files.map((f) => ({
    input: f.input,
    output: f.output,
    refused: f.refused,
    findings: f.scan?.findings.map((x) => ({ ruleId: x.ruleId, severity: x.severity, message: x.message })),
    sourceSha256: f.sha256,
    bytes: f.bytes,
    stateDictKey: f.plan?.stateDictKey,
    tensors: f.plan?.tensors.map((t) => ({ name: t.name, dtype: t.dtype, shape: t.shape, bytes: t.byteLength, copiedContiguous: t.copiedContiguous })),
    removed: f.plan ? Object.fromEntries(f.plan.removed) : undefined,
    skipped: f.plan?.skipped,
  }));
  return `${JSON.stringify({ files, index: result.index }, null, 2)}\n`;
}
