/**
 * Base64 as protobuf JSON writes it (standard alphabet, padded) and reads it (also URL-safe, padding
 * optional). Pure: atob/btoa exist in browsers and in Node >= 16, Buffer does not exist in browsers.
 */
const STANDARD_OR_URL = /^[A-Za-z0-9+/_-]*={0,2}$/;

/** Bytes per btoa call: String.fromCharCode(...chunk) must stay below the engine's argument limit. */
const ENCODE_CHUNK = 0x8000;

/** Decodes base64; undefined when the text is not base64, so callers can say which field was bad. */
export function decodeBase64(text: string): Uint8Array | undefined {
  if (!STANDARD_OR_URL.test(text)) return undefined;
  const body = text.replace(/=+$/, "").replace(/-/g, "+").replace(/_/g, "/");
  if (body.length % 4 === 1) return undefined;
  const padded = body + "=".repeat((4 - (body.length % 4)) % 4);
  let binary: string;
  try {
    binary = atob(padded);
  } catch {
    return undefined;
  }
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

export function encodeBase64(bytes: Uint8Array): string {
  let out = "";
  for (let i = 0; i < bytes.length; i += ENCODE_CHUNK) {
    out += btoa(String.fromCharCode(...bytes.subarray(i, i + ENCODE_CHUNK)));
  }
  // btoa pads each chunk; chunks are a multiple of 3 bytes, so only the last one can carry padding.
  return out;
}

export function toHex(bytes: Uint8Array): string {
  let out = "";
  for (const byte of bytes) out += byte.toString(16).padStart(2, "0");
  return out;
}

/** Lower-case hex of an even length, or undefined. */
export function fromHex(text: string): Uint8Array | undefined {
  if (text.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(text)) return undefined;
  const bytes = new Uint8Array(text.length / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(text.slice(2 * i, 2 * i + 2), 16);
  return bytes;
}

export function utf8(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}
