import { defect, type Defect } from "../../core/defect.js";
import type { FormatAnalysis, FormatHandler, Member } from "../../core/handler.js";
import { looksLikeText, readBytes } from "../hf-config/read-bytes.js";
import { findTemplates } from "../hf-config/templates.js";
import type { ConfigDocument } from "../hf-config/types.js";
import { parseYaml, type YamlTag } from "./parse-yaml.js";
import { YAML_CONFIG_FORMAT, YAML_MARKERS, YAML_NAME, yamlConfigSniffer } from "./sniff.js";

export { YAML_CONFIG_FORMAT };

/** Largest YAML parsed (CWE-400): model and training configs are kilobytes. */
export const MAX_YAML_BYTES = 16 * 1024 * 1024;

/** A YAML config: the shared config tree plus what only YAML has (tags, aliases). */
export interface YamlDocument extends ConfigDocument {
  role: "yaml";
  /** Tags outside the YAML core set, as resolved (`tag:yaml.org,2002:python/object/apply:os.system`). */
  tags: YamlTag[];
  /** True when the `yaml` parser read the text; false when a nesting pre-check refused it. */
  parsed: boolean;
  errors: string[];
  aliases: number;
  /** Nodes with every alias expanded. */
  expandedNodes: number;
}

/**
 * YAML anywhere (`*.yaml`/`*.yml`, or text that shows YAML directives, tags or Hydra keys):
 * NeMo and Hydra configs, torchtune recipes, TorchServe and MLflow YAML inside archives.
 * Parsed without custom tags; chat templates in it go down as `chat-template` members.
 *
 * @example
 * const analysis = await yamlConfigHandler.analyze(new MemorySource(bytes), ctx);
 */
export const yamlConfigHandler: FormatHandler = {
  ...yamlConfigSniffer,
  async analyze(source, ctx): Promise<FormatAnalysis | undefined> {
    const named = YAML_NAME.test(ctx.name);
    if (source.size > MAX_YAML_BYTES) {
      if (!named) return undefined;
      const d = defect("limit-exceeded", `YAML of ${source.size} bytes is larger than ${MAX_YAML_BYTES}; not scanned`, { limit: "MAX_YAML_BYTES" });
      return { format: YAML_CONFIG_FORMAT, document: emptyDocument(ctx.name), defects: [d] };
    }
    const bytes = await readBytes(source, 0, source.size);
    if (!looksLikeText(bytes.subarray(0, 4096))) return undefined;
    const text = new TextDecoder("utf-8").decode(bytes);
    if (!named && !YAML_MARKERS.test(text)) return undefined;
    const read = readYaml(ctx.name, text);
    const structured = read.document.roots.some((r) => r.kind === "map" || r.kind === "list");
    // Refused for a limit, unnamed text that showed YAML markers stays ours: declining would pass it unread.
    if (!named && !structured && read.document.tags.length === 0 && read.defects.length === 0) return undefined;
    return { format: YAML_CONFIG_FORMAT, ...read };
  },
};

/**
 * Parses YAML text into the document the YAML rules read (every document of the stream, every
 * tag), with the defect and note for text refused by a nesting limit. Other handlers of YAML
 * files (MLflow `MLmodel`) hand this document on as an `also` view so the same rules run.
 *
 * @example
 * readYaml("MLmodel", text).document.tags; // [{ tag: "tag:yaml.org,2002:python/object/apply:os.system", … }]
 */
export function readYaml(name: string, text: string): { document: YamlDocument; defects: Defect[]; members: Member[]; notes: string[] } {
  const parsed = parseYaml(text);
  const found = findTemplates(parsed.roots);
  const document: YamlDocument = {
    name,
    role: "yaml",
    roots: parsed.roots,
    duplicates: parsed.duplicates,
    templates: found.paths,
    strayTemplates: found.stray,
    tags: parsed.tags,
    parsed: parsed.parsed,
    errors: parsed.errors,
    aliases: parsed.aliases,
    expandedNodes: parsed.expandedNodes,
  };
  const notes = parsed.parsed ? [] : [`YAML not parsed (${parsed.errors[0] ?? "refused"}); searched for Python tags only.`];
  // Refused for a limit: only a lexical tag search covered the file, so it is not clean (fail closed).
  const defects = parsed.refusedLimit === undefined ? [] : [defect("limit-exceeded", `YAML not parsed: ${parsed.errors[0] ?? "refused"}`, { limit: parsed.refusedLimit })];
  return { document, defects, members: found.members, notes };
}

function emptyDocument(name: string): YamlDocument {
  return { name, role: "yaml", roots: [], duplicates: [], templates: [], strayTemplates: [], tags: [], parsed: false, errors: [], aliases: 0, expandedNodes: 0 };
}
