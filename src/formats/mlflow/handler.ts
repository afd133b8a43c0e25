import type { FormatHandler } from "../../core/handler.js";
import { readRange } from "../java/source-reads.js";
import { readYaml, YAML_CONFIG_FORMAT } from "../yaml-config/handler.js";
import { emptyModel, parseMlmodel, type MlflowModelDocument } from "./parse.js";
import { MLMODEL_MAX_BYTES, mlmodelSniffer, sniffMlmodel } from "./sniff.js";

export { MLMODEL_MAX_BYTES, sniffMlmodel };

/**
 * MLflow `MLmodel` files (YAML, no extension, recognised by a top-level `flavors:` key): lists
 * the flavours, their loader modules and code directories, and the files they load, and checks
 * every path MLflow joins onto the model directory.
 *
 * @example
 * const analysis = await mlmodelHandler.analyze(source, ctx); // format "mlflow-model"
 */
export const mlmodelHandler: FormatHandler = {
  ...mlmodelSniffer,
  async analyze(source, ctx) {
    if (source.size > MLMODEL_MAX_BYTES) return undefined;
    const text = new TextDecoder("utf-8", { fatal: false }).decode(await readRange(source, 0, source.size));
    // MLmodel is YAML: the YAML rules (Python tags in any document, aliases, malformed text) run on
    // it through an `also` view. Reading it first also applies the nesting limit before the
    // composer behind parseMlmodel can be made to run for minutes.
    const yaml = readYaml(ctx.name, text);
    const also = [{ format: YAML_CONFIG_FORMAT, document: yaml.document }];
    if (!yaml.document.parsed) {
      return { format: "mlflow-model", document: emptyModel(), defects: yaml.defects, notes: yaml.notes, also };
    }
    const parsed = parseMlmodel(text);
    if (!parsed) {
      // Not a flavors mapping after all; a Python tag in it still must not pass as "not a model".
      if (yaml.document.tags.length === 0) return undefined;
      return { format: "mlflow-model", document: emptyModel(), defects: [], notes: ["MLmodel has no flavors mapping; checked as YAML."], also };
    }
    return { format: "mlflow-model", document: parsed.document, defects: parsed.defects, notes: [describe(parsed.document)], also };
  },
};

function describe(doc: MlflowModelDocument): string {
  const flavors = doc.flavors.map((f) => {
    const parts = [f.loaderModule && `loader ${f.loaderModule}`, f.serializationFormat, f.code && `code ${f.code}`].filter(Boolean);
    return parts.length ? `${f.name} (${parts.join(", ")})` : f.name;
  });
  const escaping = new Set(doc.pathIssues.map((i) => i.value));
  const pickles = doc.files.filter((f) => f.kind === "pickle" && !escaping.has(f.path)).map((f) => f.path);
  const files = [...new Set(doc.files.map((f) => f.path))];
  const pickleText = pickles.length ? ` Unpickled on load: ${[...new Set(pickles)].join(", ")} (scanned as files of the folder).` : "";
  return `MLflow MLmodel${doc.mlflowVersion ? ` (MLflow ${doc.mlflowVersion})` : ""}; flavours: ${flavors.join(", ") || "none"}; files referenced: ${files.join(", ") || "none"}.${pickleText}`;
}
