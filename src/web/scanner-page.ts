/**
 * The in-browser scanner page (docs/scanner/): files dropped or chosen are read with File APIs and
 * scanned by the pure library in this tab. Nothing is uploaded; the page makes no request after it
 * loads. Bundled by tools/build-scanner.mjs (npm run build:scanner) into docs/scanner/scanner.js.
 */
import { MemorySource } from "../core/byte-source.js";
import { summarize, type FileReport, type ScanReport } from "../core/finding.js";
import { scanSource } from "../engine/scan.js";
import { renderJson } from "../report/json.js";
import { renderText } from "../report/text.js";
import { RULES } from "../rules/index.js";

/** Largest file read into memory here: the tab holds the whole file (CWE-400). */
const MAX_PAGE_FILE_BYTES = 1024 * 1024 * 1024;

const VERSION = "browser";

async function scanFiles(files: readonly File[]): Promise<ScanReport> {
  const reports: FileReport[] = [];
  for (const file of files) {
    const path = (file as File & { webkitRelativePath?: string }).webkitRelativePath || file.name;
    if (file.size > MAX_PAGE_FILE_BYTES) {
      const errors = [{ code: "limit-exceeded", message: `Larger than ${MAX_PAGE_FILE_BYTES} bytes; scan it with the CLI (limit MAX_PAGE_FILE_BYTES)`, location: {} }];
      reports.push({ path, verdict: "error", formats: [], findings: [], errors, notes: [] });
      continue;
    }
    const bytes = new Uint8Array(await file.arrayBuffer());
    reports.push(await scanSource(new MemorySource(bytes), { path }));
  }
  return { schemaVersion: 1, tool: { name: "modelvet", version: VERSION }, files: reports, summary: summarize(reports) };
}

function show(report: ScanReport): void {
  const out = document.getElementById("report") as HTMLElement;
  // textContent, never innerHTML: names and evidence come from the scanned files.
  out.textContent = renderText(report, { color: false, quiet: false });
  const list = document.getElementById("verdicts") as HTMLElement;
  list.replaceChildren(
    ...report.files.map((file) => {
      const item = document.createElement("li");
      item.dataset.verdict = file.verdict;
      item.dataset.rules = [...new Set(file.findings.map((f) => f.ruleId))].join(" ");
      item.textContent = `${file.verdict.toUpperCase()} ${file.path}`;
      return item;
    }),
  );
  const json = document.getElementById("json") as HTMLAnchorElement;
  json.href = URL.createObjectURL(new Blob([renderJson(report)], { type: "application/json" }));
  document.body.dataset.state = "done";
}

async function handle(files: readonly File[]): Promise<void> {
  document.body.dataset.state = "scanning";
  show(await scanFiles(files));
}

const input = document.getElementById("files") as HTMLInputElement;
input.addEventListener("change", () => void handle(Array.from(input.files ?? [])));
const folder = document.getElementById("folder") as HTMLInputElement;
folder.addEventListener("change", () => void handle(Array.from(folder.files ?? [])));
const zone = document.getElementById("drop") as HTMLElement;
zone.addEventListener("dragover", (event) => event.preventDefault());
zone.addEventListener("drop", (event) => {
  event.preventDefault();
  void handle(Array.from(event.dataTransfer?.files ?? []));
});
(document.getElementById("rule-count") as HTMLElement).textContent = String(RULES.length);
document.body.dataset.state = "ready";
