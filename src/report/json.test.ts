import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { summarize, verdictOf, type FileReport, type ScanReport } from "../core/finding.js";
import { renderFileLine, renderJson, renderSummaryLine } from "./json.js";

const docsDir = new URL("../../docs/", import.meta.url);
const schema = JSON.parse(readFileSync(new URL("report.schema.json", docsDir), "utf8")) as Schema;

type Schema = Record<string, unknown>;

/**
 * The subset of JSON Schema that docs/report.schema.json uses. Unknown keywords fail, so the
 * schema cannot grow a constraint this check silently ignores.
 */
function validate(value: unknown, node: Schema, path = "$"): string[] {
  const known = new Set(["$schema", "$id", "$defs", "title", "description", "type", "required", "additionalProperties", "properties", "items", "enum", "const", "$ref", "minimum"]);
  const unknown = Object.keys(node).filter((k) => !known.has(k));
  if (unknown.length > 0) return [`${path}: schema keyword ${unknown.join(", ")} not supported by this check`];
  if (typeof node.$ref === "string") {
    const target = (schema.$defs as Record<string, Schema>)[node.$ref.replace("#/$defs/", "")];
    return target ? validate(value, target, path) : [`${path}: unresolved $ref ${node.$ref}`];
  }
  const problems: string[] = [];
  if ("const" in node && value !== node.const) problems.push(`${path}: expected ${JSON.stringify(node.const)}`);
  if (Array.isArray(node.enum) && !node.enum.includes(value)) problems.push(`${path}: ${JSON.stringify(value)} not in enum`);
  if (typeof node.minimum === "number" && typeof value === "number" && value < node.minimum) problems.push(`${path}: below minimum`);
  if (node.type !== undefined && !hasType(value, node.type as string)) return [...problems, `${path}: expected ${String(node.type)}`];
  if (Array.isArray(value) && node.items) value.forEach((item, i) => problems.push(...validate(item, node.items as Schema, `${path}[${i}]`)));
  if (node.type === "object") {
    const object = value as Record<string, unknown>;
    const properties = (node.properties ?? {}) as Record<string, Schema>;
    for (const key of (node.required ?? []) as string[]) if (!(key in object)) problems.push(`${path}: missing ${key}`);
    for (const [key, child] of Object.entries(object)) {
      const sub = properties[key];
      if (sub) problems.push(...validate(child, sub, `${path}.${key}`));
      else if (node.additionalProperties === false) problems.push(`${path}: unexpected key ${key}`);
    }
  }
  return problems;
}

function hasType(value: unknown, type: string): boolean {
  if (type === "integer") return Number.isInteger(value);
  if (type === "array") return Array.isArray(value);
  if (type === "object") return typeof value === "object" && value !== null && !Array.isArray(value);
  return typeof value === type;
}

function file(overrides: Partial<FileReport> & Pick<FileReport, "path">): FileReport {
  const base = { formats: [], findings: [], errors: [], notes: [], ...overrides };
  return { ...base, verdict: verdictOf(base.findings, base.errors) };
}

function sampleReport(): ScanReport {
  const files = [
    file({
      path: "models/evil.pt",
      formats: ["pytorch-zip", "pickle"],
      findings: [
        {
          // Deliberately built in a scrambled key order: the renderer must not care.
          location: { offset: 42, member: "archive/data.pkl" },
          message: "Pickle imports os.system",
          ruleId: "PKL001",
          severity: "critical",
          confidence: "high",
          evidence: "REDUCE at 60: os.system('echo hi')",
          cwe: ["CWE-502"],
          references: ["https://github.com/advisories/GHSA-xxxx"],
        },
      ],
      size: 1024,
      bytesRead: 1024,
      millis: 3.5,
    }),
    file({ path: "models/broken.pkl", formats: ["pickle"], errors: [{ code: "truncated", message: "Stream ends before STOP", location: { offset: 7 } }] }),
    file({ path: "README.md", notes: ["Not a model file: text"] }),
    file({ path: "models/cached.safetensors", formats: ["safetensors"], size: 2048, sha256: "a".repeat(64), cached: true }),
  ];
  return { schemaVersion: 1, tool: { name: "modelvet", version: "0.1.0" }, files, summary: summarize(files) };
}

describe("renderJson", () => {
  it("produces JSON that fits docs/report.schema.json", () => {
    const parsed: unknown = JSON.parse(renderJson(sampleReport()));
    expect(validate(parsed, schema)).toEqual([]);
  });

  it("emits keys in the documented order regardless of construction order", () => {
    const parsed = JSON.parse(renderJson(sampleReport())) as { files: { findings: object[] }[]; summary: object };
    expect(Object.keys(parsed)).toEqual(["schemaVersion", "tool", "files", "summary"]);
    expect(Object.keys(parsed.files[0]!)).toEqual(["path", "verdict", "formats", "findings", "errors", "notes", "size", "bytesRead", "millis"]);
    expect(Object.keys(parsed.files[0]!.findings[0]!)).toEqual(["ruleId", "severity", "confidence", "message", "location", "evidence", "cwe", "references"]);
    expect(Object.keys((parsed.files[0]!.findings[0] as { location: object }).location)).toEqual(["member", "offset"]);
    expect(Object.keys(parsed.summary)).toEqual(["files", "unsafe", "suspicious", "error", "clean", "incomplete", "suppressed", "findings"]);
    expect(Object.keys(parsed.files[3]!)).toEqual(["path", "verdict", "formats", "findings", "errors", "notes", "size", "sha256", "cached"]);
  });

  it("drops fields outside the schema and leaves out absent optional ones", () => {
    const report = sampleReport();
    (report.files[2] as unknown as Record<string, unknown>).internal = "not for output";
    const parsed = JSON.parse(renderJson(report)) as { files: Record<string, unknown>[] };
    expect(parsed.files[2]).toEqual({ path: "README.md", verdict: "clean", formats: [], findings: [], errors: [], notes: ["Not a model file: text"] });
  });

  it("uses two-space indentation and ends with a newline", () => {
    const text = renderJson(sampleReport());
    expect(text.split("\n")[1]).toBe('  "schemaVersion": 1,');
    expect(text.endsWith("}\n")).toBe(true);
  });

  it("is stable: the same report renders to the same bytes", () => {
    expect(renderJson(sampleReport())).toBe(renderJson(sampleReport()));
  });

  it("rejects a report the schema does not allow (the check can fail)", () => {
    const parsed = JSON.parse(renderJson(sampleReport())) as { files: Record<string, unknown>[] };
    parsed.files[0]!.verdict = "dangerous";
    delete parsed.files[1]!.errors;
    expect(validate(parsed, schema)).toEqual(["$.files[0].verdict: \"dangerous\" not in enum", "$.files[1]: missing errors"]);
  });
});

describe("renderFileLine and renderSummaryLine (the streamed report)", () => {
  it("puts each file and the summary on one line each, as the JSON report has them, escaped the same way", () => {
    const report = sampleReport();
    const first = report.files[0] as FileReport;
    const odd = { ...first, path: "evil\u2028name\u202e.pkl" };
    const whole = JSON.parse(renderJson({ ...report, files: [odd] })) as { files: unknown[]; summary: unknown; tool: unknown };
    const line = renderFileLine(odd);
    expect(line.endsWith("\n")).toBe(true);
    expect(line.slice(0, -1)).not.toMatch(/[\n\u2028\u202e]/);
    expect(JSON.parse(line)).toEqual({ type: "file", file: whole.files[0] });
    const summary = renderSummaryLine(report);
    expect(summary.split("\n")).toHaveLength(2);
    expect(JSON.parse(summary)).toEqual({ type: "summary", schemaVersion: 1, tool: whole.tool, summary: whole.summary });
  });
});

describe("docs/report-format.md", () => {
  const markdown = readFileSync(new URL("report-format.md", docsDir), "utf8");
  const example = /## Full example[\s\S]*?```json\n([\s\S]*?)```/.exec(markdown)?.[1];

  it("has a full example that fits the schema", () => {
    expect(example).toBeDefined();
    expect(validate(JSON.parse(example!), schema)).toEqual([]);
  });

  it("has a full example whose verdicts and summary follow the verdict rule", () => {
    const report = JSON.parse(example!) as ScanReport;
    for (const f of report.files) expect(f.verdict, f.path).toBe(verdictOf(f.findings, f.errors));
    expect(report.summary).toEqual(summarize(report.files));
  });

  it("has a full example in the renderer's own key order", () => {
    expect(renderJson(JSON.parse(example!) as ScanReport)).toBe(example);
  });
});
