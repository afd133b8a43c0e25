/** PAX extended header records (POSIX.1-2001 pax, "%d %s=%s\n"). */

export type PaxRecords = Map<string, string>;

const utf8 = new TextDecoder("utf-8", { fatal: false });

/**
 * Parses records until one does not fit. A malformed record ends parsing, as in Python's tarfile,
 * and is reported through `error`.
 */
export function parsePax(data: Uint8Array): { records: PaxRecords; error?: string } {
  const records: PaxRecords = new Map();
  let pos = 0;
  while (pos < data.length && data[pos] !== 0) {
    const space = data.indexOf(0x20, pos);
    if (space < 0 || space - pos > 20) return { records, error: `no record length at offset ${pos}` };
    const len = Number(utf8.decode(data.subarray(pos, space)));
    if (!Number.isSafeInteger(len) || len <= space - pos + 1 || pos + len > data.length || data[pos + len - 1] !== 0x0a) {
      return { records, error: `bad record length at offset ${pos}` };
    }
    const body = data.subarray(space + 1, pos + len - 1);
    const eq = body.indexOf(0x3d);
    if (eq < 0) return { records, error: `record without "=" at offset ${pos}` };
    records.set(utf8.decode(body.subarray(0, eq)), utf8.decode(body.subarray(eq + 1)));
    pos += len;
  }
  return { records };
}
