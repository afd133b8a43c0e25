import type { FormatSniffer } from "../../core/handler.js";

export const GGUF_FORMAT = "gguf";

/** GGUF v1-v3 (llama.cpp, ollama): magic `GGUF` at offset 0. */
export const ggufSniffer: FormatSniffer = {
  id: GGUF_FORMAT,
  priority: 20,
  sniff(head) {
    return head.length >= 8 && head[0] === 0x47 && head[1] === 0x47 && head[2] === 0x55 && head[3] === 0x46 ? "strong" : "no";
  },
};
