import type { FileReport } from "../core/finding.js";
import type { CrawlState, FileResult } from "./jobs.js";
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
<p><a href="/ui/files">Crawl results by repo and by rule →</a></p>
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

/** What the results page was asked for. */
export type FilesQuery = { repo: string } | { rule: string; org?: string } | Record<string, never>;

/** `/ui/files?…` for a query and an optional cursor, URL-encoded. */
function filesHref(query: { repo?: string; rule?: string; org?: string; after?: string }): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== "") params.set(k, v);
  return `/ui/files?${params.toString()}`;
}

/**
 * Crawl results by repo (`?repo=org/name`) or by rule (`?rule=PKL001&org=acme`: "every file in
 * acme with PKL001"), a page at a time; with no query, the form and the recent crawls.
 */
export function filesPage(query: FilesQuery, files: readonly FileResult[], next: string | undefined, crawls: readonly CrawlState[]): string {
  const q = query as { repo?: string; rule?: string; org?: string };
  const title = q.repo !== undefined ? `files in ${q.repo}` : q.rule !== undefined ? `files with ${q.rule}${q.org ? ` in ${q.org}` : ""}` : "crawl results";
  const rows = files
    .map((f) => {
      const org = f.repo.split("/")[0] ?? "";
      const rules = f.rules.map((r) => `<a class="rule" href="${escapeHtml(filesHref({ rule: r, org }))}"><code>${escapeHtml(r)}</code></a>`).join(" ");
      const cls = f.verdict === "clean" ? "allow" : f.verdict === "error" ? "error" : "block";
      return `<tr class="file" data-verdict="${escapeHtml(f.verdict)}"><td><a class="repo" href="${escapeHtml(filesHref({ repo: f.repo }))}">${escapeHtml(f.repo)}</a></td><td class="path">${escapeHtml(f.path)}</td>
<td class="${cls}">${escapeHtml(f.verdict)}</td><td>${rules}</td><td><code>${escapeHtml(f.revision.slice(0, 12))}</code></td><td>${escapeHtml(f.scannedAt)}</td></tr>`;
    })
    .join("\n");
  const asked = q.repo !== undefined || q.rule !== undefined;
  const table = asked
    ? `<table id="files"><thead><tr><th>Repo</th><th>File</th><th>Verdict</th><th>Rules</th><th>Commit</th><th>Scanned</th></tr></thead>
<tbody>${rows || '<tr><td colspan="6">No files.</td></tr>'}</tbody></table>${next !== undefined ? `<p><a id="next" href="${escapeHtml(filesHref({ ...q, after: next }))}">Next page →</a></p>` : ""}`
    : "";
  const crawlRows = crawls
    .map((c) => `<tr><td><code>${escapeHtml(c.id)}</code></td><td>${escapeHtml(c.target.length > 80 ? `${c.target.slice(0, 80)}…` : c.target)}</td><td>${escapeHtml(c.status)}</td><td>${c.reposListed}</td><td>${c.filesQueued}</td><td>${escapeHtml(c.updatedAt)}</td></tr>`)
    .join("\n");
  return page(
    `modelvet gate: ${title}`,
    `<p><a href="/ui">← recent decisions</a></p>
<h1 id="title">${escapeHtml(title.charAt(0).toUpperCase() + title.slice(1))}</h1>
<form method="get" action="/ui/files"><label>Repo <input name="repo" placeholder="org/name" value="${escapeHtml(q.repo ?? "")}"></label>
 or <label>rule <input name="rule" placeholder="PKL001" value="${escapeHtml(q.rule ?? "")}"></label> <label>in organisation <input name="org" placeholder="any" value="${escapeHtml(q.org ?? "")}"></label>
 <button type="submit">Show files</button></form>
${table}
${!asked ? `<h2>Recent crawls</h2>${crawlRows ? `<table id="crawls"><thead><tr><th>Id</th><th>Target</th><th>Status</th><th>Repos</th><th>Files queued</th><th>Updated</th></tr></thead><tbody>${crawlRows}</tbody></table>` : "<p>No crawls yet.</p>"}` : ""}`,
  );
}
