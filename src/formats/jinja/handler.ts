import { defect, type Defect } from "../../core/defect.js";
import type { FormatAnalysis, FormatHandler } from "../../core/handler.js";
import { looksLikeText, readBytes } from "../hf-config/read-bytes.js";
import { analyzeTemplate } from "./analyze.js";
import { CHAT_TEMPLATE_FORMAT, chatTemplateSniffer, opensWithJinja, TEMPLATE_NAME } from "./sniff.js";
import type { TemplateDocument } from "./types.js";

export { CHAT_TEMPLATE_FORMAT };

/** Largest template parsed (CWE-400). Real chat templates stay under 64 KiB; beyond this only the start is scanned. */
export const MAX_TEMPLATE_BYTES = 1024 * 1024;

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
  ...chatTemplateSniffer,
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
