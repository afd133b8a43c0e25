import type { FileReport } from "../core/finding.js";
import type { AuditEntry, StoredVerdict } from "./store.js";

/** Everything that reaches HTML goes through here: file names and evidence are attacker text. */
export function escapeHtml(value: unknown): string {
  return String(value).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const STYLE = `
body{font:14px/1.45 system-ui,sans-serif;margin:2rem;color:#1d1d1f}
table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:.35rem .6rem;border-bottom:1px solid #ddd;vertical-align:top}
.allow{color:#0a7a2f}.block{color:#b3261e;font-weight:600}.error{color:#9a6700;font-weight:600}
code,pre{font:12px ui-monospace,monospace;white-space:pre-wrap;word-break:break-all}
`;

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${escapeHtml(title)}</title><style>${STYLE}</style></head><body>${body}</body></html>`;
}

/** The list of recent decisions, newest first. */
export function decisionsPage(entries: readonly AuditEntry[]): string {
  const rows = entries
    .map(
      (e) => `<tr data-decision="${escapeHtml(e.decision)}">
<td>${escapeHtml(e.at)}</td><td>${escapeHtml(e.actor)}</td><td>${escapeHtml(e.action)}</td>
<td><a href="/ui/decisions/${e.id ?? 0}">${escapeHtml(`${e.repo}/${e.path}`)}</a><br><small>${escapeHtml(e.revision)}${e.commit ? ` @ ${escapeHtml(e.commit.slice(0, 12))}` : ""}</small></td>
<td class="${escapeHtml(e.decision)}">${escapeHtml(e.decision)}</td><td>${escapeHtml(e.verdict)}</td><td>${escapeHtml(e.rules.join(", "))}</td><td>${e.status}</td></tr>`,
    )
    .join("\n");
  return page(
    "modelvet gate: recent decisions",
    `<h1>Recent decisions</h1>
<table id="decisions"><thead><tr><th>When</th><th>Who</th><th>Action</th><th>File</th><th>Decision</th><th>Verdict</th><th>Rules</th><th>Status</th></tr></thead>
<tbody>${rows || '<tr><td colspan="8">No decisions yet.</td></tr>'}</tbody></table>`,
  );
}

/** One decision with the file's report: findings, evidence, and why a pull was blocked. */
export function decisionPage(entry: AuditEntry, verdict: StoredVerdict | undefined): string {
  const report = verdict ? (JSON.parse(verdict.report) as FileReport) : undefined;
  const findings = (report?.findings ?? [])
    .map(
      (f) => `<tr class="finding"><td>${escapeHtml(f.severity)}</td><td><code>${escapeHtml(f.ruleId)}</code></td><td>${escapeHtml(f.message)}</td>
<td>${f.location.member !== undefined ? `<code>${escapeHtml(f.location.member)}</code>` : ""}${f.location.offset !== undefined ? ` @${f.location.offset}` : ""}</td><td>${f.evidence !== undefined ? `<pre>${escapeHtml(f.evidence)}</pre>` : ""}</td></tr>`,
    )
    .join("\n");
  const errors = (report?.errors ?? []).map((e) => `<li><code>${escapeHtml(e.code)}</code> ${escapeHtml(e.message)}</li>`).join("");
  const reason =
    entry.decision === "allow"
      ? `<p class="allow" id="reason">Allowed: ${escapeHtml(entry.reason)}</p>`
      : `<p class="${escapeHtml(entry.decision)}" id="reason">${entry.decision === "block" ? "Blocked" : "Not served"}: ${escapeHtml(entry.reason)}</p>`;
  return page(
    `modelvet gate: ${entry.repo}/${entry.path}`,
    `<p><a href="/ui">← recent decisions</a></p>
<h1 id="file">${escapeHtml(`${entry.repo}/${entry.path}`)}</h1>
<dl><dt>Revision</dt><dd>${escapeHtml(entry.revision)} ${entry.commit ? `(<code>${escapeHtml(entry.commit)}</code>)` : ""}</dd>
<dt>Digest</dt><dd><code>${escapeHtml(entry.digest || "unknown")}</code></dd>
<dt>Verdict</dt><dd id="verdict">${escapeHtml(entry.verdict)}</dd>
<dt>Requested by</dt><dd>${escapeHtml(entry.actor)} at ${escapeHtml(entry.at)} (${escapeHtml(entry.action)}, HTTP ${entry.status})</dd></dl>
${reason}
<h2>Findings</h2>
${findings ? `<table id="findings"><thead><tr><th>Severity</th><th>Rule</th><th>Message</th><th>Where</th><th>Evidence</th></tr></thead><tbody>${findings}</tbody></table>` : "<p>No findings.</p>"}
${errors ? `<h2>Errors</h2><ul>${errors}</ul>` : ""}
${report ? `<p><small>${escapeHtml(report.notes.join(" "))}</small></p>` : ""}`,
  );
}
