import type { FormatSniffer } from "../../core/handler.js";
import { sniffGraphDef, sniffSavedModel } from "./sniff-graph.js";
import { hasTfliteIdentifier } from "./tflite.js";

export const savedModelSniffer: FormatSniffer = { id: "tf-savedmodel", priority: 20, sniff: sniffSavedModel };
export const graphDefSniffer: FormatSniffer = { id: "tf-graphdef", priority: 15, sniff: (head, hint) => sniffGraphDef(head, hint.size) };
export const tfliteSniffer: FormatSniffer = { id: "tflite", priority: 20, sniff: (head) => (hasTfliteIdentifier(head) ? "strong" : "no") };
