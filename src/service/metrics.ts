/** Counters and sums exposed at /metrics in the Prometheus text format (version 0.0.4). */
export class Metrics {
  private readonly counters = new Map<string, { help: string; values: Map<string, number> }>();

  constructor() {
    this.describe("modelvet_gate_requests_total", "HTTP requests answered, by route and status");
    this.describe("modelvet_gate_decisions_total", "Vetting decisions, by action and decision");
    this.describe("modelvet_gate_scans_total", "Files scanned (cache misses that ran the scanner), by verdict");
    this.describe("modelvet_gate_scan_seconds_sum", "Seconds spent scanning");
    this.describe("modelvet_gate_cache_total", "Verdict cache lookups, by result");
    this.describe("modelvet_gate_upstream_errors_total", "Upstream failures (network, 5xx, timeouts)");
    this.describe("modelvet_gate_bytes_streamed_total", "File bytes streamed to clients");
    this.describe("modelvet_gate_bytes_fetched_for_scan_total", "Bytes fetched from upstream to scan");
    this.describe("modelvet_gate_store_unavailable_total", "Requests answered 503 because the verdict store was unavailable");
    this.describe("modelvet_queue_jobs_total", "Jobs a pull waited for, by result (scanned, from-store, failed) and verdict");
  }

  private describe(name: string, help: string): void {
    this.counters.set(name, { help, values: new Map() });
  }

  add(name: string, labels: Record<string, string | number> = {}, amount = 1): void {
    const counter = this.counters.get(name);
    if (!counter) throw new Error(`Unknown metric ${name}`);
    const key = labelKey(labels);
    counter.values.set(key, (counter.values.get(key) ?? 0) + amount);
  }

  render(extra: Record<string, number> = {}): string {
    const lines: string[] = [];
    for (const [name, { help, values }] of this.counters) {
      lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} counter`);
      for (const [labels, value] of values) lines.push(`${name}${labels ? `{${labels}}` : ""} ${value}`);
    }
    for (const [name, value] of Object.entries(extra)) lines.push(`# TYPE ${name} gauge`, `${name} ${value}`);
    return `${lines.join("\n")}\n`;
  }
}

/** `a="x",b="y"` with the exposition format's escapes. */
function labelKey(labels: Record<string, string | number>): string {
  let key = "";
  for (const name in labels) {
    const value = String(labels[name]).replace(/[\\"\n]/g, (c) => (c === "\n" ? "\\n" : `\\${c}`));
    key += `${key ? "," : ""}${name}="${value}"`;
  }
  return key;
}
