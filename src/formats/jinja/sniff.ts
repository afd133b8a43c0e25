import type { FormatSniffer } from "../../core/handler.js";
import { firstContentByte, looksLikeText } from "../hf-config/read-bytes.js";

/** Format id of chat templates; container handlers (GGUF, configs) force it on their template members. */
export const CHAT_TEMPLATE_FORMAT = "chat-template";

/** File names that say "Jinja template" (the name only hints; content still has to parse or match). */
export const TEMPLATE_NAME = /\.(jinja2?|j2|tmpl|template)$/i;

/** Standalone `.jinja`/`.j2` files and text that opens with a Jinja tag. */
export const chatTemplateSniffer: FormatSniffer = {
  id: CHAT_TEMPLATE_FORMAT,
  priority: 3,
  sniff(head, hint) {
    if (!looksLikeText(head)) return "no";
    // Named like a template and holding Jinja tags: strong (template text may start with a
    // letter that is also a protocol-0 pickle opcode).
    if (TEMPLATE_NAME.test(hint.name)) return hasJinjaTag(head) ? "strong" : "weak";
    return opensWithJinja(head) ? "weak" : "no";
  },
};

function hasJinjaTag(head: Uint8Array): boolean {
  const text = new TextDecoder("utf-8").decode(head);
  return text.includes("{{") || text.includes("{%");
}

/** Text whose first non-blank characters are a Jinja tag (`{%`, `{{`, `{#`). */
export function opensWithJinja(head: Uint8Array): boolean {
  const i = firstContentByte(head);
  return head[i] === 0x7b && (head[i + 1] === 0x25 || head[i + 1] === 0x7b || head[i + 1] === 0x23);
}
