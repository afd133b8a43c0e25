import { defect, type Defect } from "../../core/defect.js";
import type { FormatAnalysis, FormatHandler } from "../../core/handler.js";
import { firstContentByte, looksLikeText, readBytes } from "../hf-config/read-bytes.js";
import { analyzeTemplate } from "./analyze.js";
import type { TemplateDocument } from "./types.js";

/** Format id of chat templates; container handlers (GGUF, configs) force it on their template members. */
export const CHAT_TEMPLATE_FORMAT = "chat-template";

/** Largest template parsed (CWE-400). Real chat templates stay under 64 KiB; beyond this only the start is scanned. */
export const MAX_TEMPLATE_BYTES = 1024 * 1024;

/** File names that say "Jinja template" (the name only hints; content still has to parse or match). */
const TEMPLATE_NAME = /\.(jinja2?|j2|tmpl|template)$/i;

/** Formats whose template members are templates by construction (a GGUF key, a `chat_template` field). */
const TEMPLATE_PARENTS: ReadonlySet<string> = new Set(["gguf", "hf-config", "yaml-config"]);

/**
 * Jinja chat templates: standalone `.jinja`/`.j2` files, text that opens with a Jinja tag, and
 * templates handed down by the GGUF and config handlers. Parsed with `@huggingface/jinja`,
 * never rendered.
 *
 * @example
 * const analysis = await chatTemplateHandler.analyze(new MemorySource(bytes), ctx);
 */
export const chatTemplateHandler: FormatHandler = {
  id: CHAT_TEMPLATE_FORMAT,
  priority: 3,
  sniff(head, hint) {
    if (!looksLikeText(head)) return "no";
    // Named like a template and holding Jinja tags: strong (template text may start with a
    // letter that is also a protocol-0 pickle opcode).
    if (TEMPLATE_NAME.test(hint.name)) return hasJinjaTag(head) ? "strong" : "weak";
    return opensWithJinja(head) ? "weak" : "no";
  },
  async analyze(source, ctx): Promise<FormatAnalysis | undefined> {
    const embedded = TEMPLATE_PARENTS.has(ctx.parents.at(-1) ?? "");
    const named = TEMPLATE_NAME.test(ctx.name);
    const bytes = await readBytes(source, 0, Math.min(source.size, MAX_TEMPLATE_BYTES));
    if (!embedded && (!looksLikeText(bytes.subarray(0, 4096)) || !(named || opensWithJinja(bytes)))) return undefined;
    const text = new TextDecoder("utf-8").decode(bytes);
    const analysis = analyzeTemplate(text);
    if (!embedded && !named && !analysis.parsed && analysis.signals.length === 0) return undefined;
    const truncated = source.size > MAX_TEMPLATE_BYTES;
    const defects: Defect[] = [];
    if (truncated) {
      defects.push(defect("limit-exceeded", `Template of ${source.size} bytes is larger than ${MAX_TEMPLATE_BYTES}; only its start was scanned`, { limit: "MAX_TEMPLATE_BYTES" }));
    }
    const document: TemplateDocument = { size: source.size, parsed: analysis.parsed, truncated, signals: analysis.signals };
    const notes: string[] = [];
    if (analysis.parseError !== undefined) {
      document.parseError = analysis.parseError;
      notes.push(`Template did not parse (${analysis.parseError}); its code parts were scanned lexically.`);
    }
    return { format: CHAT_TEMPLATE_FORMAT, document, defects, notes };
  },
};

function hasJinjaTag(head: Uint8Array): boolean {
  const text = new TextDecoder("utf-8").decode(head);
  return text.includes("{{") || text.includes("{%");
}

/** Text whose first non-blank characters are a Jinja tag (`{%`, `{{`, `{#`). */
function opensWithJinja(head: Uint8Array): boolean {
  const i = firstContentByte(head);
  return head[i] === 0x7b && (head[i + 1] === 0x25 || head[i + 1] === 0x7b || head[i + 1] === 0x23);
}
