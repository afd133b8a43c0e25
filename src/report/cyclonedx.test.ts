import { createHash } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Spec, Validation } from "@cyclonedx/cyclonedx-library";
import { afterAll, describe, expect, it } from "vitest";
import { summarize, verdictOf, type FileReport, type ScanReport } from "../core/finding.js";
import { runCli } from "../test-support/run-cli.js";
import { isModelFile, renderCycloneDx } from "./cyclonedx.js";

/** Protocol 0: `os.system('echo hi')` on load. */
const MALICIOUS = "cos\nsystem\n(S'echo hi'\ntR.";
/** Protocol 0: `[1]`. */
const BENIGN = "(lp0\nI1\na.";

const dir = mkdtempSync(join(tmpdir(), "modelvet-cdx-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
writeFileSync(join(dir, "evil.pkl"), MALICIOUS, "latin1");
writeFileSync(join(dir, "benign.pkl"), BENIGN, "latin1");
writeFileSync(join(dir, "README.md"), "# A model\n");

interface Bom {
  specVersion: string;
  metadata: { tools: { components: { name: string; version: string }[] } };
  components: { type: string; name: string; "bom-ref": string; hashes?: { alg: string; content: string }[]; properties?: { name: string; value: string }[] }[];
  vulnerabilities?: {
    id: string;
    "bom-ref": string;
    source: { name: string; url: string };
    ratings: { severity: string; method: string }[];
    cwes?: number[];
    description: string;
    affects: { ref: string }[];
    analysis?: { detail: string; response: string[] };
  }[];
}

/** The official CycloneDX 1.6 JSON schema (strict), as shipped with the library. */
const validator = new Validation.JsonStrictValidator(Spec.Version.v1dot6);
async function schemaErrors(json: string): Promise<unknown> {
  return validator.validate(json);
}

const sha256 = (text: string): string => createHash("sha256").update(text, "latin1").digest("hex");

describe("--format cyclonedx: an AI/ML bill of materials", () => {
  it("lists model files as machine-learning-model components with SHA-256, findings as vulnerabilities, and validates against CycloneDX 1.6", async () => {
    const { code, stdout } = await runCli(["scan", dir, "--format", "cyclonedx"]);
    expect(code).toBe(1);
    expect(await schemaErrors(stdout)).toBeNull();
    const bom = JSON.parse(stdout) as Bom;
    expect(bom.specVersion).toBe("1.6");
    expect(bom.metadata.tools.components[0]?.name).toBe("modelvet");

    const evil = bom.components.find((c) => c.name.endsWith("/evil.pkl"));
    const benign = bom.components.find((c) => c.name.endsWith("/benign.pkl"));
    const readme = bom.components.find((c) => c.name.endsWith("/README.md"));
    expect(evil?.type).toBe("machine-learning-model");
    expect(evil?.hashes).toEqual([{ alg: "SHA-256", content: sha256(MALICIOUS) }]);
    expect(evil?.properties).toEqual(expect.arrayContaining([{ name: "modelvet:format", value: "pickle" }, { name: "modelvet:verdict", value: "unsafe" }]));
    expect(benign?.type).toBe("machine-learning-model");
    expect(benign?.hashes?.[0]?.content).toBe(sha256(BENIGN));
    // Not a model: listed as a file, still hashed.
    expect(readme?.type).toBe("file");

    const pkl001 = bom.vulnerabilities?.find((v) => v.id === "PKL001");
    expect(pkl001?.affects).toEqual([{ ref: evil?.["bom-ref"] }]);
    expect(pkl001?.ratings[0]?.severity).toBe("critical");
    expect(pkl001?.cwes).toContain(502);
    expect(pkl001?.source).toEqual({ name: "modelvet", url: "https://github.com/modelvet/modelvet/blob/main/docs/rules/PKL001.md" });
    expect(pkl001?.description).toContain("os.system");
    // The benign near-miss: a pickle, hashed and listed, with no vulnerability against it.
    expect(bom.vulnerabilities?.filter((v) => v.affects.some((a) => a.ref === benign?.["bom-ref"])).filter((v) => v.ratings[0]?.severity !== "info")).toEqual([]);
  });

  it("renders the same report to the same bytes (no serial number or timestamp)", async () => {
    const first = await runCli(["scan", join(dir, "evil.pkl"), "--format", "cyclonedx"]);
    const second = await runCli(["scan", join(dir, "evil.pkl"), "--format", "cyclonedx"]);
    expect(second.stdout).toBe(first.stdout);
    expect(first.stdout).not.toContain("serialNumber");
  });

  it("keeps suppressed findings, marked with the reason, and scan errors as properties", async () => {
    const finding = { ruleId: "PKL001", severity: "critical" as const, confidence: "high" as const, message: "Pickle calls os.system.", location: { member: "data.pkl", offset: 28 }, cwe: ["CWE-502"], references: ["CVE-2025-1716", "https://example.org/advisory"], suppressed: { kind: "baseline" as const, reason: "accepted in review 12" } };
    const errors = [{ code: "timeout", message: "Scan stopped", location: {} }];
    const files: FileReport[] = [
      { path: "m.pt", verdict: verdictOf([finding], []), formats: ["pytorch-zip", "pickle"], findings: [finding], errors: [], notes: [] },
      { path: "m.pt", verdict: verdictOf([], errors), formats: [], findings: [], errors, notes: [] },
    ];
    const report: ScanReport = { schemaVersion: 1, tool: { name: "modelvet", version: "0.0.0" }, files, summary: summarize(files) };
    const text = await renderCycloneDx(report);
    expect(await schemaErrors(text)).toBeNull();
    const bom = JSON.parse(text) as Bom;
    expect(bom.components.map((c) => c["bom-ref"]).sort()).toEqual(["file:m.pt", "file:m.pt#2"]);
    const vulnerability = bom.vulnerabilities?.[0];
    expect(vulnerability?.analysis).toEqual({ detail: "Suppressed (baseline): accepted in review 12", response: ["will_not_fix"] });
    expect(bom.components.find((c) => c["bom-ref"] === "file:m.pt#2")?.properties).toContainEqual({ name: "modelvet:error", value: "timeout: Scan stopped" });
    expect(text).toContain("https://nvd.nist.gov/vuln/detail/CVE-2025-1716");
  });

  it("bundles for a browser with no node:* module (the package's browser build is picked)", async () => {
    const { build } = await import("esbuild");
    const result = await build({ entryPoints: [fileURLToPath(new URL("./cyclonedx.ts", import.meta.url))], bundle: true, platform: "browser", format: "esm", write: false, logLevel: "silent" });
    const text = result.outputFiles[0]?.text ?? "";
    expect(text).toContain("machine-learning-model");
    expect(text).not.toMatch(/["']node:[a-z_]+["']/);
  });

  it("tells model files from the files around them", () => {
    expect(isModelFile({ formats: ["pytorch-zip", "pickle"] })).toBe(true);
    expect(isModelFile({ formats: ["safetensors"] })).toBe(true);
    expect(isModelFile({ formats: ["zip"] })).toBe(false);
    expect(isModelFile({ formats: ["hf-config"] })).toBe(false);
    expect(isModelFile({ formats: ["dependency-audit"] })).toBe(false);
    expect(isModelFile({ formats: [] })).toBe(false);
  });
});
