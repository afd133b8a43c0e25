import { walkStrings } from "../../formats/hf-config/config-tree.js";
import { lookup } from "../../formats/hf-config/config-tree.js";
import type { ConfigDocument } from "../../formats/hf-config/types.js";
import { capped } from "../hfconfig/shared.js";
import { defineRule } from "../types.js";

/** A shard file name that leaves the model folder: absolute, drive, UNC, `..`, URL, home or NUL. */
export function escapesFolder(file: string): string | undefined {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(file)) return "is a URL";
  if (file.startsWith("/") || file.startsWith("\\")) return "is an absolute path";
  if (/^[A-Za-z]:/.test(file)) return "names a drive";
  if (file.startsWith("~")) return "starts in a home folder";
  if (file.includes("\u0000")) return "holds a NUL byte";
  if (file.split(/[\\/]/).includes("..")) return "climbs out with ..";
  return undefined;
}

export const st015 = defineRule<ConfigDocument>({
  meta: {
    id: "ST015",
    slug: "index-path-escape",
    formats: ["hf-config"],
    title: "Sharded checkpoint index points outside the model folder",
    description: "A `weight_map` in `model.safetensors.index.json` (or `pytorch_model.bin.index.json`) names a shard by absolute path, `..`, drive, home folder or URL, so loading reads a file the repository does not hold.",
    defaultSeverity: "high",
    confidence: "high",
    cwe: [22],
    references: ["https://huggingface.co/docs/transformers/main/en/big_models#sharded-checkpoints"],
  },
  check(doc, ctx) {
    const report = capped(ctx);
    const weightMap = lookup(doc.roots[0], "weight_map");
    if (weightMap?.kind !== "map") return;
    for (const { node, path } of walkStrings(weightMap, "weight_map")) {
      const why = escapesFolder(node.value);
      if (why) report({ message: `Shard file ${JSON.stringify(node.value)} for ${path} ${why}`, evidence: node.value, ...(node.offset === undefined ? {} : { offset: node.offset }) });
    }
  },
});
