import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { RULES } from "../rules/index.js";
import { SEVERITIES, summarize, verdictOf, type FileReport, type Finding, type ScanReport } from "../core/finding.js";
import type { Rule, RuleMeta } from "../rules/types.js";
import { renderSarif } from "./sarif.js";
import { sarifLevel } from "./sarif-levels.js";
import { artifactLocation, artifactUri, type SarifLocation } from "./sarif-location.js";
import { placeholderRule, sarifRule, type SarifRule } from "./sarif-rule.js";

const meta: RuleMeta = {
  id: "PKL001",
  slug: "pickle-dangerous-global",
  formats: ["pickle"],
  title: "Pickle imports a dangerous callable",
  description: "The pickle imports a callable that runs commands, code or I/O when loaded.",
  defaultSeverity: "critical",
  confidence: "high",
  cwe: [502, 94],
  references: ["CVE-2025-1716", "https://example.org/advisory"],
};
const rules: Rule[] = [{ meta, check: () => undefined }];

function finding(overrides: Partial<Finding> = {}): Finding {
  return { ruleId: "PKL001", severity: "critical", confidence: "high", message: "Pickle calls os.system.", location: {}, ...overrides };
}

function file(path: string, findings: Finding[], errors: FileReport["errors"] = []): FileReport {
  return { path, verdict: verdictOf(findings, errors), formats: ["pickle"], findings, errors, notes: [] };
}

function report(files: FileReport[]): ScanReport {
  return { schemaVersion: 1, tool: { name: "modelvet", version: "9.9.9" }, files, summary: summarize(files) };
}

/** The parts of the SARIF we emit that the assertions read. */
interface Log {
  $schema: string;
  version: string;
  runs: {
    tool: { driver: { name: string; version: string; informationUri: string; rules: SarifRule[] } };
    invocations: { executionSuccessful: boolean; toolExecutionNotifications: unknown[] }[];
    results: { ruleIndex: number; level: string; locations: SarifLocation[]; partialFingerprints: { primaryLocationLineHash: string } }[];
  }[];
}

function render(files: FileReport[]): Log {
  return JSON.parse(renderSarif(report(files), rules)) as Log;
}

describe("renderSarif", () => {
  it("writes one SARIF 2.1.0 run with the tool and its rules", () => {
    const log = render([]);
    expect(log.$schema).toBe("https://json.schemastore.org/sarif-2.1.0.json");
    expect(log.version).toBe("2.1.0");
    expect(log.runs).toHaveLength(1);
    const driver = log.runs[0]!.tool.driver;
    expect(driver).toMatchObject({ name: "modelvet", version: "9.9.9", informationUri: "https://github.com/modelvet/modelvet" });
    expect(driver.rules).toEqual([
      {
        id: "PKL001",
        name: "pickle-dangerous-global",
        shortDescription: { text: meta.title },
        fullDescription: { text: meta.description },
        helpUri: "https://github.com/modelvet/modelvet/blob/main/docs/rules/PKL001.md",
        help: { text: expect.stringContaining("CWE-502, CWE-94"), markdown: expect.stringContaining("[CWE-502](https://cwe.mitre.org/data/definitions/502.html)") },
        defaultConfiguration: { level: "error" },
        properties: { tags: ["security", "external/cwe/cwe-502", "external/cwe/cwe-94"], precision: "high", "security-severity": "9.5" },
      },
    ]);
    expect(log.runs[0]!.invocations).toEqual([{ executionSuccessful: true, toolExecutionNotifications: [] }]);
    expect(log.runs[0]!.results).toEqual([]);
  });

  it("maps severities to levels in one place", () => {
    expect(SEVERITIES.map(sarifLevel)).toEqual(["error", "error", "warning", "note", "note"]);
    const log = render([file("a.pkl", SEVERITIES.map((severity) => finding({ severity })))]);
    expect(log.runs[0]!.results.map((r) => r.level)).toEqual(["error", "error", "warning", "note", "note"]);
  });

  it("reports a finding with rule index, message plus evidence and a byte offset in the file", () => {
    const log = render([file("models\\evil.pkl", [finding({ evidence: "os.system('id')", location: { offset: 17 } })])]);
    const result = log.runs[0]!.results[0]!;
    expect(result).toMatchObject({
      ruleId: "PKL001",
      ruleIndex: 0,
      level: "error",
      message: { text: "Pickle calls os.system. Evidence: os.system('id')" },
      locations: [{ physicalLocation: { artifactLocation: { uri: "models/evil.pkl", uriBaseId: "%SRCROOT%" }, region: { startLine: 1, byteOffset: 17 } } }],
    });
    expect(result.locations[0]!.logicalLocations).toBeUndefined();
    expect(result.partialFingerprints.primaryLocationLineHash).toMatch(/^[0-9a-f]{16}:1$/);
  });

  it("locates an archive member logically and keeps its offset out of the archive's region", () => {
    const log = render([file("ckpt.pt", [finding({ location: { member: "ckpt/data.pkl", offset: 2 } })])]);
    expect(log.runs[0]!.results[0]!.locations).toEqual([
      {
        physicalLocation: { artifactLocation: { uri: "ckpt.pt", uriBaseId: "%SRCROOT%" }, region: { startLine: 1 } },
        logicalLocations: [{ name: "data.pkl", fullyQualifiedName: "ckpt/data.pkl" }],
        properties: { member: "ckpt/data.pkl", offset: 2 },
      },
    ]);
  });

  it("turns scan errors into error notifications on a successful invocation", () => {
    const log = render([file("broken.pkl", [], [{ code: "truncated", message: "Stream ends before STOP", location: { offset: 9 } }])]);
    const invocation = log.runs[0]!.invocations[0]!;
    expect(invocation.executionSuccessful).toBe(true);
    expect(invocation.toolExecutionNotifications).toEqual([
      {
        level: "error",
        message: { text: 'Cannot fully scan "broken.pkl": Stream ends before STOP' },
        locations: [{ physicalLocation: { artifactLocation: { uri: "broken.pkl", uriBaseId: "%SRCROOT%" }, region: { startLine: 1, byteOffset: 9 } } }],
        properties: { code: "truncated" },
      },
    ]);
    expect(log.runs[0]!.results).toEqual([]);
  });

  it("fingerprints by rule, path, member and evidence, not offset, and counts repeats", () => {
    const twice = render([file("a.pkl", [finding({ evidence: "x", location: { offset: 1 } }), finding({ evidence: "x", location: { offset: 99 } })])]);
    const [first, second] = twice.runs[0]!.results.map((r) => r.partialFingerprints.primaryLocationLineHash);
    expect(first!.split(":")[0]).toBe(second!.split(":")[0]);
    expect([first!.split(":")[1], second!.split(":")[1]]).toEqual(["1", "2"]);

    const moved = render([file("a.pkl", [finding({ evidence: "x", location: { offset: 500 } })])]);
    expect(moved.runs[0]!.results[0]!.partialFingerprints.primaryLocationLineHash).toBe(first);

    const other = render([file("b.pkl", [finding({ evidence: "x" })])]);
    expect(other.runs[0]!.results[0]!.partialFingerprints.primaryLocationLineHash).not.toBe(first);
  });

  it("adds a placeholder descriptor for a rule id the registry does not know", () => {
    const log = render([file("a.pkl", [finding(), finding({ ruleId: "ZZZ999", severity: "medium" }), finding({ ruleId: "ZZZ999", severity: "medium" })])]);
    const run = log.runs[0]!;
    expect(run.tool.driver.rules.map((r) => r.id)).toEqual(["PKL001", "ZZZ999"]);
    expect(run.results.map((r) => r.ruleIndex)).toEqual([0, 1, 1]);
    expect(run.tool.driver.rules[1]).toMatchObject({ defaultConfiguration: { level: "warning" }, properties: { "security-severity": "5.5" } });
  });
});

describe("artifactUri", () => {
  it("keeps relative paths relative, with forward slashes and percent-encoded segments", () => {
    expect(artifactUri("models\\sub\\a.pt")).toBe("models/sub/a.pt");
    expect(artifactUri("./my model#1.pt")).toBe("./my%20model%231.pt");
    expect(artifactUri("/abs/a.pt")).toBe("/abs/a.pt");
  });

  it("turns a Windows drive path into a file URI", () => {
    expect(artifactUri("C:\\models\\a.pt")).toBe("file:///C:/models/a.pt");
  });
});

describe("SARIF locations relative to %SRCROOT%", () => {
  it("writes paths inside the scan folder relative, however typed; outside ones as file:// without a base", () => {
    expect(artifactLocation("/work/repo/models/x.pt", "/work/repo")).toEqual({ uri: "models/x.pt", uriBaseId: "%SRCROOT%" });
    expect(artifactLocation("./models/../models/my model.pt", "/work/repo")).toEqual({ uri: "models/my%20model.pt", uriBaseId: "%SRCROOT%" });
    expect(artifactLocation("../other/x.pt", "/work/repo")).toEqual({ uri: "file:///work/other/x.pt" });
    expect(artifactLocation("/etc/x.pt", "/work/repo")).toEqual({ uri: "file:///etc/x.pt" });
    expect(artifactLocation("/work/repository/x.pt", "/work/repo")).toEqual({ uri: "file:///work/repository/x.pt" });
    expect(artifactLocation("models/x.pt")).toEqual({ uri: "models/x.pt", uriBaseId: "%SRCROOT%" });
    expect(artifactLocation("../x.pt")).toEqual({ uri: "../x.pt" });
  });

  it("defines %SRCROOT% and the driver's semanticVersion; help links of unknown rules point at the rules folder", () => {
    const report: ScanReport = { schemaVersion: 1, tool: { name: "modelvet", version: "1.2.3" }, files: [], summary: summarize([]) };
    const log = JSON.parse(renderSarif(report, RULES, { srcRoot: "/work/repo" }));
    expect(log.runs[0].originalUriBaseIds).toEqual({ "%SRCROOT%": { uri: "file:///work/repo/" } });
    expect(log.runs[0].tool.driver.semanticVersion).toBe("1.2.3");
    expect(placeholderRule("XYZ999", "high").helpUri).toBe("https://github.com/modelvet/modelvet/blob/main/docs/rules");
  });

  it("every rule's helpUri names a page that exists in docs/rules", () => {
    for (const rule of RULES) {
      const uri = sarifRule(rule.meta).helpUri;
      const name = uri.split("/").pop() as string;
      expect(existsSync(new URL(`../../docs/rules/${name}`, import.meta.url)), uri).toBe(true);
    }
  });
});
