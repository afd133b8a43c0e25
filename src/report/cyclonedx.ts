import type { FileReport, Finding, ScanReport } from "../core/finding.js";
import type { RuleMeta } from "../rules/types.js";
import { RULE_DOCS_BASE } from "./sarif-rule.js";

/**
 * Formats that hold a model's weights or graph. A file with any other format only (a container
 * with nothing model-like inside, a config, Python, a notebook, a dependency list) is a `file`
 * component: part of what loading reads, not the model itself.
 */
const NOT_MODEL_FORMATS: ReadonlySet<string> = new Set([
  "zip",
  "tar",
  "gzip",
  "bzip2",
  "xz",
  "lz4",
  "lzma",
  "zlib",
  "zstd",
  "7z",
  "json",
  "html",
  "jupyter-notebook",
  "hf-config",
  "python-source",
  "python-module",
  "yaml-config",
  "chat-template",
  "mlflow-model",
  "keras-config",
  "keras-metadata",
  "dependency-audit",
  "symlink",
]);

/** Whether a scanned file is a model (a `machine-learning-model` component) by the formats found in it. */
export function isModelFile(file: Pick<FileReport, "formats">): boolean {
  return file.formats.some((format) => !NOT_MODEL_FORMATS.has(format));
}

export interface CycloneDxOptions {
  /** Rule metadata, for the title and documentation link of each finding's rule. */
  rules?: readonly RuleMeta[];
}

/**
 * Renders a report as a CycloneDX 1.6 JSON AI/ML bill of materials: one component per scanned
 * file (`machine-learning-model` for model files, `file` for the configs and code around them),
 * with its SHA-256 when the scan computed it, and every finding as a vulnerability that affects
 * its file. Built with `@cyclonedx/cyclonedx-library`, loaded only when this format is asked for.
 * The output has no serial number and no timestamp, so the same report renders to the same bytes.
 *
 * @example
 * const bom = await renderCycloneDx(report, { rules: RULES });
 */
export async function renderCycloneDx(report: ScanReport, options: CycloneDxOptions = {}): Promise<string> {
  // Loaded here, not at start-up: only `--format cyclonedx` pays for it. The package's export
  // conditions pick its browser build (no node:*) in a browser bundle and its Node build in Node,
  // so the report layer stays usable in both.
  const { Models, Enums, Serialize, Spec } = await import("@cyclonedx/cyclonedx-library");
  const rules = new Map((options.rules ?? []).map((meta) => [meta.id, meta]));
  const bom = new Models.Bom();
  const tool = new Models.Component(Enums.ComponentType.Application, report.tool.name, { version: report.tool.version, bomRef: "modelvet-tool" });
  tool.externalReferences.add(new Models.ExternalReference("https://github.com/modelvet/modelvet", Enums.ExternalReferenceType.Website));
  bom.metadata.tools.components.add(tool);

  const refs = new Set<string>();
  let findingNumber = 0;
  for (const file of report.files) {
    const bomRef = uniqueRef(`file:${file.path}`, refs);
    const type = isModelFile(file) ? Enums.ComponentType.MachineLearningModel : Enums.ComponentType.File;
    const component = new Models.Component(type, file.path, { bomRef });
    if (file.sha256 !== undefined) component.hashes.set(Enums.HashAlgorithm["SHA-256"], file.sha256);
    const property = (name: string, value: string): void => void component.properties.add(new Models.Property(`modelvet:${name}`, value));
    for (const format of file.formats) property("format", format);
    property("verdict", file.verdict);
    if (file.size !== undefined) property("size", String(file.size));
    if (file.cached === true) property("cached", "true");
    for (const error of file.errors) property("error", `${error.code}: ${error.message}`);
    bom.components.add(component);

    for (const finding of file.findings) {
      findingNumber += 1;
      bom.vulnerabilities.add(vulnerabilityOf(finding, component.bomRef, `finding-${findingNumber}`, rules.get(finding.ruleId)));
    }
  }

  const serializer = new Serialize.JsonSerializer(new Serialize.JSON.Normalize.Factory(Spec.Spec1dot6));
  return `${serializer.serialize(bom, { sortLists: true, space: 2 })}\n`;

  function vulnerabilityOf(finding: Finding, affected: InstanceType<typeof Models.BomRef>, bomRef: string, meta: RuleMeta | undefined): InstanceType<typeof Models.Vulnerability.Vulnerability> {
    const V = Models.Vulnerability;
    const docs = meta !== undefined ? `${RULE_DOCS_BASE}/${meta.id}.md` : RULE_DOCS_BASE;
    const source = new V.Source({ name: "modelvet", url: docs });
    const vulnerability = new V.Vulnerability({
      bomRef,
      id: finding.ruleId,
      source,
      description: finding.message,
      detail: detailOf(finding, meta),
      recommendation: `See ${docs} (section "How to fix").`,
    });
    vulnerability.ratings.add(new V.Rating({ source, severity: Enums.Vulnerability.Severity[severityKey(finding.severity)], method: Enums.Vulnerability.RatingMethod.Other }));
    for (const cwe of finding.cwe ?? []) {
      const number = Number(/^CWE-(\d+)$/.exec(cwe)?.[1]);
      if (Number.isSafeInteger(number)) vulnerability.cwes.add(number);
    }
    for (const reference of finding.references ?? []) {
      if (/^https?:\/\//.test(reference)) vulnerability.advisories.add(new V.Advisory(reference));
      else if (/^CVE-\d{4}-\d+$/.test(reference)) vulnerability.references.add(new V.Reference(reference, new V.Source({ name: "NVD", url: `https://nvd.nist.gov/vuln/detail/${reference}` })));
      else if (/^GHSA(-[0-9a-z]{4}){3}$/.test(reference)) vulnerability.references.add(new V.Reference(reference, new V.Source({ name: "GitHub", url: `https://github.com/advisories/${reference}` })));
    }
    vulnerability.affects.add(new V.Affect(affected));
    vulnerability.properties.add(new Models.Property("modelvet:confidence", finding.confidence));
    if (finding.location.member !== undefined) vulnerability.properties.add(new Models.Property("modelvet:member", finding.location.member));
    if (finding.location.offset !== undefined) vulnerability.properties.add(new Models.Property("modelvet:offset", String(finding.location.offset)));
    if (finding.suppressed !== undefined) {
      // Accepted, not fixed: still listed, as modelvet never drops a finding.
      vulnerability.analysis = new V.Analysis({ detail: `Suppressed (${finding.suppressed.kind}): ${finding.suppressed.reason}` });
      vulnerability.analysis.response.add(Enums.Vulnerability.AnalysisResponse.WillNotFix);
    }
    return vulnerability;
  }
}

function detailOf(finding: Finding, meta: RuleMeta | undefined): string | undefined {
  const parts: string[] = [];
  if (meta !== undefined) parts.push(`${meta.title}.`);
  if (finding.evidence !== undefined) parts.push(`Evidence: ${finding.evidence}.`);
  const at = [finding.location.member, finding.location.offset !== undefined ? `offset ${finding.location.offset}` : undefined].filter((p) => p !== undefined).join(", ");
  if (at !== "") parts.push(`At ${at}.`);
  return parts.length > 0 ? parts.join(" ") : undefined;
}

function severityKey(severity: Finding["severity"]): "Critical" | "High" | "Medium" | "Low" | "Info" {
  return `${severity.charAt(0).toUpperCase()}${severity.slice(1)}` as "Critical" | "High" | "Medium" | "Low" | "Info";
}

/** bom-refs are unique in a BOM; the same path given twice gets `#2`. */
function uniqueRef(base: string, taken: Set<string>): string {
  let ref = base;
  for (let n = 2; taken.has(ref); n++) ref = `${base}#${n}`;
  taken.add(ref);
  return ref;
}
