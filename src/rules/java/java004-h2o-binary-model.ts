import type { H2oBinaryDocument } from "../../formats/h2o/handler.js";
import { defineRule } from "../types.js";

export const java004 = defineRule<H2oBinaryDocument>({
  meta: {
    id: "JAVA004",
    slug: "h2o-binary-model",
    formats: ["h2o-binary"],
    title: "H2O binary (Iced) model: import deserializes without a class allowlist",
    description: "An H2O binary model (h2o.save_model / exportBinaryModel). H2O's model import reads Iced data and Java-serialized fields without restricting classes (CVE-2024-6960), so the format is only as safe as its source; MOJO is the deployment format.",
    defaultSeverity: "low",
    confidence: "high",
    cwe: [502],
    references: ["CVE-2024-6960", "https://github.com/advisories/GHSA-w36w-948j-xhfw", "https://research.jfrog.com/vulnerabilities/h2o-model-deserialization-rce-jfsa-2024-001035518"],
  },
  check(doc, { report }) {
    const streams = doc.javaStreams.length === 0 ? "no Java serialization stream was found in it" : `it carries ${doc.javaStreams.length} Java serialization stream(s), reported separately`;
    report({
      message: `H2O binary model from H2O ${doc.version}: importing it (h2o.load_model, "Import Model") deserializes its contents without a class allowlist; ${streams}`,
      evidence: `type map of ${doc.typeMapSize} classes${doc.foreignTypes.length ? `; outside H2O's packages: ${doc.foreignTypes.slice(0, 5).join(", ")}` : ""}`,
      offset: 0,
    });
  },
});
