import { printable } from "../report/printable.js";
import type { InspectReport, InspectSection, PickleView, Table } from "./inspect.js";

/**
 * The inspect report as plain text: one block per parsed document. Every string from the file
 * goes through `printable`, so names cannot carry terminal escapes.
 */
export function renderInspectText(report: InspectReport): string {
  const out: string[] = [`${printable(report.path)}  ${report.size} bytes  [${report.formats.join(", ")}]  scan verdict: ${report.verdict}`];
  for (const section of report.sections) out.push("", ...sectionLines(section));
  if (report.notes.length > 0) out.push("", "notes:", ...report.notes.map((n) => `  ${printable(n)}`));
  return `${out.join("\n")}\n`;
}

function sectionLines(s: InspectSection): string[] {
  const lines = [`== ${s.format}${s.member ? ` (${printable(s.member)})` : ""}`];
  for (const [k, v] of Object.entries(s.header)) lines.push(`  ${printable(k)}: ${printable(v)}`);
  if (s.entries) lines.push(...tableLines(s.entries, ["name", "kind", "size", "detail"], (e) => [e.name, e.kind, String(e.size), e.detail]));
  if (s.tensors) lines.push(...tableLines(s.tensors, ["name", "dtype", "shape", "bytes"], (t) => [t.name, t.dtype, `[${t.shape.join(", ")}]`, String(t.bytes)]));
  if (s.pickle) lines.push(...pickleLines(s.pickle));
  return lines;
}

function tableLines<T>(table: Table<T>, head: string[], cells: (row: T) => string[]): string[] {
  const rows = table.rows.map((r) => cells(r).map(printable));
  const widths = head.map((h, i) => Math.min(60, Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length))));
  const fmt = (r: string[]): string => `  ${r.map((c, i) => c.padEnd(widths[i] ?? 0)).join("  ").trimEnd()}`;
  const lines = [fmt(head), ...rows.map(fmt)];
  if (table.total > table.rows.length) lines.push(`  … ${table.total - table.rows.length} more`);
  return lines;
}

function pickleLines(p: PickleView): string[] {
  const lines = [`  streams: ${p.streams}, persistent ids: ${p.persistentIds}`];
  if (p.imports.length > 0) {
    lines.push("  imports (resolved as the unpickler would):");
    for (const imp of p.imports) lines.push(`    @${imp.offset} ${imp.via} ${printable(imp.name)}  [${imp.verdict}]`);
  }
  if (p.calls.length > 0) {
    lines.push("  calls (what unpickling would run, with arguments):");
    for (const c of p.calls) lines.push(`    @${c.offset} ${c.op} ${printable(c.call)}${c.count > 1 ? `  (x${c.count} in all)` : ""}  [${c.verdict}]`);
  }
  if (p.result !== undefined) lines.push(`  result: ${printable(p.result)}`);
  if (p.listing !== undefined) {
    lines.push("  disassembly:");
    for (const l of p.listing) lines.push(`    ${String(l.offset).padStart(8)}: ${l.op}${l.arg !== undefined ? ` ${printable(l.arg)}` : ""}${l.note !== undefined ? `    # ${printable(l.note)}` : ""}`);
    if (p.listingComplete === false) lines.push("    … (listing stops here: limit, end of the bytes read, or not an opcode)");
  }
  for (const d of p.defects) lines.push(`  defect: ${printable(d)}`);
  return lines;
}
