import { decodeBase64 } from "./base64.js";

/**
 * The DER bodies of every `-----BEGIN <label>-----` block in a text, in order. Text around the
 * blocks (certtool's "Public Key Info:" preamble, comments) is ignored, as OpenSSL does.
 *
 * @example
 * pemBlocks(text, "CERTIFICATE").length; // 2 for a leaf + intermediate file
 */
export function pemBlocks(text: string, label: string): Uint8Array[] {
  const pattern = new RegExp(`-----BEGIN ${label}-----([\\s\\S]*?)-----END ${label}-----`, "g");
  const out: Uint8Array[] = [];
  for (const match of text.matchAll(pattern)) {
    const der = decodeBase64((match[1] ?? "").replace(/\s+/g, ""));
    if (der !== undefined) out.push(der);
  }
  return out;
}

/** The first PEM block of any label, as text, for node:crypto's key parsers. */
export function firstPemBlock(text: string): string | undefined {
  return /-----BEGIN ([A-Z0-9 ]+)-----[\s\S]*?-----END \1-----/.exec(text)?.[0];
}
