import type { FormatSniffer } from "../../core/handler.js";
import { firstContentByte, looksLikeText } from "../hf-config/read-bytes.js";

export const YAML_CONFIG_FORMAT = "yaml-config";

export const YAML_NAME = /\.ya?ml$/i;
/** A YAML first line: `key:`, `- item`, `---` or a `%` directive. */
const YAML_FIRST_LINE = /^(?:[\w"'.-][^:#\n]*:(?:\s|$)|-\s|---|%(?:YAML|TAG)\s)/;
/**
 * Content that makes unnamed text worth parsing as YAML: a directive, a document marker, a tag, or a key loaders act on.
 * `[^\S\n]*`, not `\s*`: under `m`, a leading `\s*` rescans every following blank line from each line start.
 */
export const YAML_MARKERS = /^%YAML|^---|!!\w|!<tag:|!python\/|^[^\S\n]*(?:-\s+)?(?:_target_|_component_|chat_template)\s*:/m;

/** YAML anywhere: `*.yaml`/`*.yml`, or text that shows YAML directives, tags or Hydra keys. */
export const yamlConfigSniffer: FormatSniffer = {
  id: YAML_CONFIG_FORMAT,
  priority: 4,
  sniff(head, hint) {
    if (!looksLikeText(head)) return "no";
    const text = new TextDecoder("utf-8").decode(head);
    // A .yaml name and a first line that is a key, a list item or a document marker: strong,
    // so that text starting with a letter that is also a pickle opcode is not tried as pickle.
    if (YAML_NAME.test(hint.name)) return YAML_FIRST_LINE.test(firstLine(text)) ? "strong" : "weak";
    const first = head[firstContentByte(head)];
    if (first === 0x7b || first === 0x5b) return "no";
    return YAML_MARKERS.test(text) ? "weak" : "no";
  },
};

/** The first line that is neither blank nor a comment. */
function firstLine(text: string): string {
  return text.split("\n").find((l) => l.trim() !== "" && !l.trimStart().startsWith("#")) ?? "";
}
