import { bundledAdvisoryDb } from "../../audit/data/index.js";
import { inputKindOf, MAX_DEPENDENCY_FILE_BYTES, parseDependencyFile } from "../../audit/detect.js";
import { AUDIT_FORMAT, auditDocument } from "../../audit/document.js";
import { defect } from "../../core/defect.js";
import type { FormatAnalysis, FormatHandler } from "../../core/handler.js";
import { looksLikeText, readBytes } from "../hf-config/read-bytes.js";
import { pickleHandler } from "../pickle/handler.js";
import { yamlConfigHandler } from "../yaml-config/handler.js";
import { dependencyFileSniffer } from "./sniff.js";


/**
 * The environment a model declares: `requirements*.txt` (MLflow models, Hugging Face repos),
 * MLflow's `python_env.yaml` and `conda.yaml`. The declared packages are matched against the
 * bundled advisories and checked by the AUD rules; YAML files are also handed to the YAML config
 * rules (`also`), so tags and aliases in them are still checked. `-r` includes are not followed
 * here (a handler sees one source); `modelvet audit` follows them.
 *
 * @example
 * const analysis = await dependencyFileHandler.analyze(source, ctx); // format "dependency-audit"
 */
export const dependencyFileHandler: FormatHandler = {
  ...dependencyFileSniffer,
  async analyze(source, ctx): Promise<FormatAnalysis | undefined> {
    const kind = inputKindOf(ctx.name);
    if (kind === undefined) return undefined;
    const yaml = kind === "requirements" ? undefined : await yamlConfigHandler.analyze(source, ctx);
    if (source.size > MAX_DEPENDENCY_FILE_BYTES) {
      const d = defect("limit-exceeded", `${ctx.name} of ${source.size} bytes is larger than ${MAX_DEPENDENCY_FILE_BYTES}; its dependencies were not audited`, { limit: "MAX_DEPENDENCY_FILE_BYTES" });
      return yaml ? { ...yaml, defects: [...yaml.defects, d] } : { format: AUDIT_FORMAT, document: auditDocument(ctx.name, { kind, dependencies: [], problems: [], notes: [] }, { db: bundledAdvisoryDb() }), defects: [d] };
    }
    const bytes = await readBytes(source, 0, source.size);
    if (!looksLikeText(bytes.subarray(0, 4096))) return yaml;
    const parsed = parseDependencyFile(kind, new TextDecoder("utf-8").decode(bytes), { path: ctx.name });
    // Declining is not judging: text that does not read as requirements but could be a
    // protocol-0 pickle goes back to the engine, which tries the pickle handler next.
    if (kind === "requirements" && parsed.problems.length > 0 && pickleHandler.sniff(bytes.subarray(0, 4096), { name: ctx.name, size: source.size, parents: ctx.parents }) !== "no") return undefined;
    const document = auditDocument(ctx.name, parsed, { db: bundledAdvisoryDb() });
    const notes = [...parsed.notes, ...parsed.problems];
    if (parsed.includes.length > 0) notes.push(`${parsed.includes.length} -r/-c include(s) not followed by scan; run "modelvet audit" on the folder to audit them`);
    const defects = parsed.problems.length > 0 && parsed.dependencies.length === 0 ? [defect("unsupported", `${ctx.name}: ${parsed.problems[0]}`)] : [];
    if (yaml) return { ...yaml, defects: [...yaml.defects, ...defects], notes: [...(yaml.notes ?? []), ...notes], also: [...(yaml.also ?? []), { format: AUDIT_FORMAT, document }] };
    return { format: AUDIT_FORMAT, document, defects, notes };
  },
};
