/**
 * Just enough DER to read the X.509 extensions node:crypto does not expose: KeyUsage bits,
 * ExtendedKeyUsage OIDs and BasicConstraints (RFC 5280 §4.1, §4.2.1.3, §4.2.1.9, §4.2.1.12).
 * Signatures, names and validity are left to node:crypto's X509Certificate.
 */

export const OID_KEY_USAGE = "2.5.29.15";
export const OID_BASIC_CONSTRAINTS = "2.5.29.19";
export const OID_EXT_KEY_USAGE = "2.5.29.37";
export const OID_CODE_SIGNING = "1.3.6.1.5.5.7.3.3";
export const OID_ANY_EXT_KEY_USAGE = "2.5.29.37.0";

/** Extensions whose meaning a path validator must apply; a critical extension outside this set is refused (RFC 5280 §4.2). */
export const UNDERSTOOD_CRITICAL = new Set([
  OID_KEY_USAGE,
  OID_BASIC_CONSTRAINTS,
  OID_EXT_KEY_USAGE,
  "2.5.29.17", // subjectAltName
  "2.5.29.14", // subjectKeyIdentifier
  "2.5.29.35", // authorityKeyIdentifier
]);

export interface Extension {
  oid: string;
  critical: boolean;
  /** The DER inside extnValue's OCTET STRING. */
  value: Uint8Array;
}

/** KeyUsage bit positions (RFC 5280 §4.2.1.3). */
export const KEY_USAGE = { digitalSignature: 0, keyCertSign: 5 } as const;

interface Tlv {
  tag: number;
  /** Content start and end (exclusive) in the buffer. */
  start: number;
  end: number;
}

/** Tag, length, value at `offset`, or undefined when the bytes do not hold one within `limit`. */
function readTlv(bytes: Uint8Array, offset: number, limit: number): Tlv | undefined {
  if (offset + 2 > limit) return undefined;
  const tag = bytes[offset] as number;
  if ((tag & 0x1f) === 0x1f) return undefined; // multi-byte tags never occur in certificates
  let length = bytes[offset + 1] as number;
  let start = offset + 2;
  if (length & 0x80) {
    const count = length & 0x7f;
    // 4 length bytes address 4 GiB, far past any certificate; more is malformed or hostile.
    if (count === 0 || count > 4 || start + count > limit) return undefined;
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + (bytes[start + i] as number);
    start += count;
  }
  const end = start + length;
  return end <= limit ? { tag, start, end } : undefined;
}

/** The TLVs directly inside a constructed value. */
function children(bytes: Uint8Array, parent: Tlv): Tlv[] | undefined {
  const out: Tlv[] = [];
  for (let offset = parent.start; offset < parent.end; ) {
    const child = readTlv(bytes, offset, parent.end);
    if (child === undefined) return undefined;
    out.push(child);
    offset = child.end;
  }
  return out;
}

function decodeOid(bytes: Uint8Array, tlv: Tlv): string | undefined {
  if (tlv.tag !== 0x06 || tlv.end === tlv.start) return undefined;
  const arcs: number[] = [];
  let value = 0;
  for (let i = tlv.start; i < tlv.end; i++) {
    const byte = bytes[i] as number;
    value = value * 128 + (byte & 0x7f);
    if (value > Number.MAX_SAFE_INTEGER / 128) return undefined;
    if (!(byte & 0x80)) {
      if (arcs.length === 0) arcs.push(value < 80 ? Math.floor(value / 40) : 2, value < 80 ? value % 40 : value - 80);
      else arcs.push(value);
      value = 0;
    }
  }
  return arcs.join(".");
}

const SEQUENCE = 0x30;
const EXTENSIONS_TAG = 0xa3; // [3] EXPLICIT in TBSCertificate

/**
 * The extensions of a DER certificate, or undefined when the DER is malformed. A v1 certificate
 * (no extensions) gives an empty list.
 */
export function readExtensions(der: Uint8Array): Extension[] | undefined {
  const certificate = readTlv(der, 0, der.length);
  if (certificate?.tag !== SEQUENCE) return undefined;
  const tbs = children(der, certificate)?.[0];
  if (tbs?.tag !== SEQUENCE) return undefined;
  const fields = children(der, tbs);
  if (fields === undefined) return undefined;
  const wrapper = fields.find((f) => f.tag === EXTENSIONS_TAG);
  if (wrapper === undefined) return [];
  const list = children(der, wrapper)?.[0];
  if (list?.tag !== SEQUENCE) return undefined;
  const out: Extension[] = [];
  for (const ext of children(der, list) ?? []) {
    const parts = ext.tag === SEQUENCE ? children(der, ext) : undefined;
    if (parts === undefined || parts.length < 2) return undefined;
    const oid = decodeOid(der, parts[0] as Tlv);
    const critical = parts.length === 3 && (parts[1] as Tlv).tag === 0x01 && der[(parts[1] as Tlv).start] !== 0;
    const octets = parts[parts.length - 1] as Tlv;
    if (oid === undefined || octets.tag !== 0x04) return undefined;
    out.push({ oid, critical, value: der.subarray(octets.start, octets.end) });
  }
  return out;
}

/** Whether KeyUsage bit `bit` is set; undefined when the extension value is malformed. */
export function keyUsageHas(value: Uint8Array, bit: number): boolean | undefined {
  const tlv = readTlv(value, 0, value.length);
  if (tlv?.tag !== 0x03 || tlv.end <= tlv.start) return undefined;
  const byte = value[tlv.start + 1 + Math.floor(bit / 8)];
  return byte !== undefined && (byte & (0x80 >> bit % 8)) !== 0;
}

/** ExtendedKeyUsage purposes as dotted OIDs; undefined when malformed. */
export function extKeyUsageOids(value: Uint8Array): string[] | undefined {
  const seq = readTlv(value, 0, value.length);
  if (seq?.tag !== SEQUENCE) return undefined;
  const oids = (children(value, seq) ?? []).map((tlv) => decodeOid(value, tlv));
  return oids.every((o): o is string => o !== undefined) ? oids : undefined;
}

/** BasicConstraints: whether the subject is a CA and its path length limit; undefined when malformed. */
export function basicConstraints(value: Uint8Array): { ca: boolean; pathLength: number | undefined } | undefined {
  const seq = readTlv(value, 0, value.length);
  if (seq?.tag !== SEQUENCE) return undefined;
  const parts = children(value, seq);
  if (parts === undefined) return undefined;
  let ca = false;
  let pathLength: number | undefined;
  for (const part of parts) {
    if (part.tag === 0x01) ca = value[part.start] !== 0;
    else if (part.tag === 0x02 && part.end - part.start <= 4) {
      pathLength = 0;
      for (let i = part.start; i < part.end; i++) pathLength = pathLength * 256 + (value[i] as number);
    }
  }
  return { ca, pathLength };
}
