import { X509Certificate } from "node:crypto";
import { quote, signingError } from "../../signing/errors.js";
import {
  basicConstraints,
  extKeyUsageOids,
  KEY_USAGE,
  keyUsageHas,
  OID_ANY_EXT_KEY_USAGE,
  OID_BASIC_CONSTRAINTS,
  OID_CODE_SIGNING,
  OID_EXT_KEY_USAGE,
  OID_KEY_USAGE,
  readExtensions,
  UNDERSTOOD_CRITICAL,
  type Extension,
} from "../../signing/x509-extensions.js";

/** Certificates in one path, signing certificate and anchor included (CWE-674: bounds the search). */
export const MAX_PATH_LENGTH = 8;

export interface ValidatedChain {
  /** The signing certificate. */
  leaf: X509Certificate;
  /** Leaf first, trust anchor last. */
  path: X509Certificate[];
  /** The moment the chain was validated at: the signing certificate's notBefore. */
  at: Date;
}

/**
 * Validates a private-PKI signing certificate the way the reference tool does with OpenSSL: a path
 * from the signing certificate through the bundle's intermediates to one of the trusted
 * certificates, each signature checked, every certificate valid at the signing certificate's
 * notBefore (signatures outlive certificates), issuers marked CA and allowed to sign
 * certificates, and the signing certificate allowed to sign (KeyUsage digitalSignature or
 * ExtendedKeyUsage codeSigning). Any trusted certificate may end the path, root or not.
 *
 * @example
 * const { leaf } = validateChain(bundleChainDer, await loadCertificates(["ca.pem"], "verify", "CA"));
 * @throws SigningError certificate-untrusted saying which link failed.
 */
export function validateChain(chainDer: readonly Uint8Array[], anchors: readonly X509Certificate[]): ValidatedChain {
  const fail = (detail: string) => signingError("verify", "certificate-untrusted", detail);
  const certificates = chainDer.map((der, i) => {
    try {
      return new X509Certificate(der);
    } catch {
      throw signingError("verify", "bundle-invalid", `the signature file's certificate #${i + 1} is not a DER X.509 certificate`);
    }
  });
  const leaf = certificates[0] as X509Certificate;
  const at = new Date(leaf.validFrom);
  const intermediates = certificates.slice(1);
  const path = [leaf];
  for (let current = leaf; ; ) {
    if (path.length > MAX_PATH_LENGTH) throw fail(`no path of at most ${MAX_PATH_LENGTH} certificates leads from ${describeCert(leaf)} to a trusted certificate`);
    const anchor = anchors.find((a) => issuedBy(current, a));
    if (anchor !== undefined) {
      path.push(anchor);
      break;
    }
    const issuer = intermediates.find((c) => !path.includes(c) && issuedBy(current, c));
    if (issuer === undefined) {
      const hint = anchors.length === 0 ? "no trusted certificates were given" : `trusted: ${anchors.map(describeCert).join(", ")}`;
      throw fail(`${describeCert(current)} was not issued by a trusted certificate or by a certificate in the signature (issuer ${quote(oneLine(current.issuer))}; ${hint})`);
    }
    path.push(issuer);
    current = issuer;
  }
  path.forEach((cert, index) => checkCertificate(cert, index, path.length, at, fail));
  checkSigningUsage(leaf, fail);
  return { leaf, path, at };
}

/** Name match (and key identifiers, via OpenSSL's X509_check_issued) plus the signature itself. */
function issuedBy(child: X509Certificate, issuer: X509Certificate): boolean {
  try {
    return child.checkIssued(issuer) && child.verify(issuer.publicKey);
  } catch {
    return false;
  }
}

function checkCertificate(cert: X509Certificate, index: number, length: number, at: Date, fail: (d: string) => Error): void {
  const notBefore = new Date(cert.validFrom);
  const notAfter = new Date(cert.validTo);
  const role = index === 0 ? "the signing certificate" : index === length - 1 ? "the trusted certificate" : "the intermediate certificate";
  if (at < notBefore) throw fail(`${role} ${describeCert(cert)} was not yet valid when the signing certificate was issued (${at.toISOString()}; valid from ${notBefore.toISOString()})`);
  if (at > notAfter) throw fail(`${role} ${describeCert(cert)} had expired when the signing certificate was issued (${at.toISOString()}; expired ${notAfter.toISOString()})`);
  const extensions = readExtensions(new Uint8Array(cert.raw));
  if (extensions === undefined) throw fail(`${role} ${describeCert(cert)} has malformed extensions`);
  const unknown = extensions.find((e) => e.critical && !UNDERSTOOD_CRITICAL.has(e.oid));
  if (unknown !== undefined) throw fail(`${role} ${describeCert(cert)} has a critical extension modelvet does not understand (${unknown.oid})`);
  if (index === 0) return;
  // Everything above the leaf issued a certificate, so it must be a CA allowed to do that.
  const constraints = find(extensions, OID_BASIC_CONSTRAINTS, basicConstraints);
  if (!constraints?.ca) throw fail(`${role} ${describeCert(cert)} issued a certificate but is not a CA (BasicConstraints CA:FALSE or missing)`);
  if (constraints.pathLength !== undefined && index - 1 > constraints.pathLength) {
    throw fail(`${role} ${describeCert(cert)} allows ${constraints.pathLength} intermediate certificate(s) below it, but the chain has ${index - 1}`);
  }
  const certSign = find(extensions, OID_KEY_USAGE, (v) => keyUsageHas(v, KEY_USAGE.keyCertSign));
  if (certSign === false) throw fail(`${role} ${describeCert(cert)} issued a certificate but its KeyUsage lacks keyCertSign`);
}

function checkSigningUsage(leaf: X509Certificate, fail: (d: string) => Error): void {
  const extensions = readExtensions(new Uint8Array(leaf.raw)) ?? [];
  const digitalSignature = find(extensions, OID_KEY_USAGE, (v) => keyUsageHas(v, KEY_USAGE.digitalSignature)) === true;
  const purposes = find(extensions, OID_EXT_KEY_USAGE, extKeyUsageOids) ?? [];
  const codeSigning = purposes.includes(OID_CODE_SIGNING) || purposes.includes(OID_ANY_EXT_KEY_USAGE);
  if (!digitalSignature && !codeSigning) {
    throw fail(`the signing certificate ${describeCert(leaf)} may not sign: its KeyUsage lacks digitalSignature and its ExtendedKeyUsage lacks codeSigning`);
  }
}

function find<T>(extensions: readonly Extension[], oid: string, decode: (value: Uint8Array) => T | undefined): T | undefined {
  const ext = extensions.find((e) => e.oid === oid);
  return ext === undefined ? undefined : decode(ext.value);
}

/** `"CN=intermediate-ca"` with its serial number, enough to find the certificate in a PKI. */
export function describeCert(cert: X509Certificate): string {
  return `${quote(oneLine(cert.subject))} (serial ${cert.serialNumber.toLowerCase()})`;
}

function oneLine(name: string): string {
  return name.split("\n").filter(Boolean).join(", ");
}
