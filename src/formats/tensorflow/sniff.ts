import type { FormatSniffer } from "../../core/handler.js";
import { sniffGraphDef, sniffSavedModel } from "./sniff-graph.js";

export const savedModelSniffer: FormatSniffer = { id: "tf-savedmodel", priority: 20, sniff: sniffSavedModel };
export const graphDefSniffer: FormatSniffer = { id: "tf-graphdef", priority: 15, sniff: (head, hint) => sniffGraphDef(head, hint.size) };
export const tfliteSniffer: FormatSniffer = { id: "tflite", priority: 20, sniff: (head) => (hasTfliteIdentifier(head) ? "strong" : "no") };

/** File identifier at bytes 4..8 (schema.fbs `file_identifier "TFL3"`). */
export const TFLITE_IDENTIFIER = "TFL3";

/** True when bytes 4..8 are the TFLite identifier. */
export function hasTfliteIdentifier(head: Uint8Array): boolean {
  // Byte by byte ("TFL3"): asked of every file, and building a string each time cost more than the check.
  return head.length >= 8 && head[4] === 0x54 && head[5] === 0x46 && head[6] === 0x4c && head[7] === 0x33;
}
