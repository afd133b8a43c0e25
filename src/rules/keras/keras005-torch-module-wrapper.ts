import type { KerasDocument } from "../../formats/keras/types.js";
import { defineRule } from "../types.js";
import { KERAS_FORMATS, rawOnly, rawWhy, where } from "./shared.js";

export const keras005 = defineRule<KerasDocument>({
  meta: {
    id: "KERAS005",
    slug: "keras-torch-module-wrapper",
    formats: KERAS_FORMATS,
    title: "Keras model embeds a pickled torch module (TorchModuleWrapper)",
    description: "A TorchModuleWrapper layer stores a whole torch.save() blob that Keras 3.11.0–3.11.2 loads with torch.load(weights_only=False): arbitrary pickle code on load. modelvet decodes the blob and scans it as a member.",
    defaultSeverity: "critical",
    confidence: "high",
    cwe: [502],
    references: ["CVE-2025-49655"],
  },
  check(doc, { report }) {
    for (const c of doc.configs) {
      for (const t of c.torchModules) {
        const scanned = t.member ? `; its ${t.bytes} bytes were scanned as member ${t.member}` : `; the blob could not be decoded (${t.decodeError ?? "unknown"})`;
        report({ message: `Keras ${where(c, t)} embeds a pickled torch module that is unpickled on load${scanned}`, evidence: t.path });
      }
      for (const hit of rawOnly(c, "torch")) {
        report({ message: `Keras ${c.origin} has a TorchModuleWrapper layer (${rawWhy(c)})`, evidence: hit.text, offset: hit.offset });
      }
    }
  },
});
