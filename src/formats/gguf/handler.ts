import type { FormatAnalysis, FormatHandler, Member } from "../../core/handler.js";
import { CHAT_TEMPLATE_FORMAT } from "../jinja/sniff.js";
import { readGguf } from "./parse.js";
import { GGUF_FORMAT, ggufSniffer } from "./sniff.js";

export { GGUF_FORMAT };

/**
 * GGUF v1-v3 (llama.cpp, ollama): magic `GGUF` then a version the header walk understands.
 * Chat templates in the header go down as `chat-template` members, sliced from the file.
 *
 * @example
 * const analysis = await ggufHandler.analyze(source, ctx);
 */
export const ggufHandler: FormatHandler = {
  ...ggufSniffer,
  async analyze(source, ctx): Promise<FormatAnalysis | undefined> {
    const { document, defects } = await readGguf(source, { now: ctx.now, deadline: ctx.deadline });
    const members: Member[] = document.templates.map((t) => ({ path: t.key, source: source.slice(t.offset, t.length), forceFormat: CHAT_TEMPLATE_FORMAT }));
    const notes: string[] = [];
    if (!document.littleEndian) notes.push("Big-endian GGUF file.");
    if (document.complete && document.dataOffset !== undefined) {
      notes.push(`GGUF v${document.version}: ${document.kvs.length} KV pairs, ${document.tensors.length} tensor(s); header of ${document.dataOffset} bytes read, tensor data not read.`);
    }
    return { format: GGUF_FORMAT, document, defects, members, notes };
  },
};
