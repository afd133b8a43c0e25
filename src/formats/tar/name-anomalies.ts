import { trimTrailingSlashes } from "../../core/linear-text.js";
import type { AnomalySink } from "../zip/anomaly-sink.js";
import type { TarAnomaly, TarEntry, TarNames } from "./types.js";

/** Duplicate names, and names spelt differently for readers with and without extension headers. */
export function findNameAnomalies(entries: readonly TarEntry[], sink: AnomalySink<TarAnomaly>): void {
  const byName = new Map<string, TarEntry[]>();
  for (const e of entries) {
    const key = e.kind === "directory" ? trimTrailingSlashes(e.name) : e.name;
    const group = byName.get(key);
    if (group) group.push(e);
    else byName.set(key, [e]);
    for (const [what, n] of [
      ["name", e.names],
      ["link target", e.linkNames],
    ] as const) {
      if (!n || (n.pax === undefined && n.gnuLong === undefined)) continue;
      const effective = n.pax ?? n.gnuLong!;
      if (!effective.startsWith(n.header) || (n.pax !== undefined && n.gnuLong !== undefined && n.pax !== n.gnuLong)) {
        sink.add({
          code: "name-spellings-differ",
          message: `Entry ${what} is spelt differently for readers with and without extension headers`,
          offset: e.headerOffset,
          entries: [e.id],
          evidence: spellings(n),
        });
      }
    }
  }
  for (const [name, group] of byName) {
    if (group.length < 2) continue;
    sink.add({
      code: "duplicate-name",
      message: `${group.length} entries are named "${name}": extraction keeps the last, tarfile.getmember returns the last`,
      offset: group[0]!.headerOffset,
      entries: group.map((e) => e.id),
    });
  }
}

function spellings(n: TarNames): string {
  return [`ustar "${n.header}"`, n.gnuLong !== undefined ? `GNU "${n.gnuLong}"` : "", n.pax !== undefined ? `PAX "${n.pax}"` : ""].filter(Boolean).join(", ");
}
