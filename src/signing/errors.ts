/**
 * Why signing, verification or hashing stopped. Verification fails fast: the first problem ends it,
 * and the message says what differs and what to do.
 */
export type SigningErrorCode =
  /** A flag is missing, conflicts with another, or names something unusable (exit 2). */
  | "usage"
  /** A key, certificate or trust root file cannot be read or is not what it should be. */
  | "key-material"
  /** No signature file where one was expected. */
  | "signature-missing"
  /** The signature file is not a Sigstore bundle we can read. */
  | "bundle-invalid"
  /** The signed payload is not a model-signing in-toto statement, or contradicts itself. */
  | "payload-invalid"
  /** The signature was made with another method than the one asked for (key vs certificate vs keyless). */
  | "method-mismatch"
  /** The signature does not verify with the given key or certificate. */
  | "signature-invalid"
  /** The certificate chain does not lead to a trusted CA at signing time, or may not sign. */
  | "certificate-untrusted"
  /** Keyless: the Sigstore checks (transparency log, CA, timestamps) failed. */
  | "sigstore-invalid"
  /** Keyless: the certificate was issued to someone else, or by another identity provider. */
  | "identity-mismatch"
  /** The files on disk differ from the signed (or locked) manifest. */
  | "model-mismatch"
  /** The model folder cannot be walked or read (symlink, special file, I/O error, no files). */
  | "model-unreadable"
  /** The lock file is not a modelvet lock file. */
  | "lock-invalid";

/** The stage a message is written for; each has its own first words, so messages read in one voice. */
export type SigningStage = "sign" | "verify" | "hash" | "lock";

const PREFIX: Record<SigningStage, string> = {
  sign: "Cannot sign model",
  verify: "Cannot verify signature",
  hash: "Cannot hash model",
  lock: "Cannot verify lock file",
};

/**
 * A signing, verification or hashing failure. The message is complete and user-facing.
 *
 * @example
 * throw signingError("verify", "key-mismatch", 'the public key "k.pem" is not the one that signed');
 * // message: Cannot verify signature: the public key "k.pem" is not the one that signed
 */
export class SigningError extends Error {
  readonly code: SigningErrorCode;
  readonly stage: SigningStage;
  /** The reason without the stage prefix, to re-wrap a hashing problem for another stage. */
  readonly detail: string;

  constructor(stage: SigningStage, code: SigningErrorCode, detail: string) {
    super(`${PREFIX[stage]}: ${detail}`);
    this.name = "SigningError";
    this.code = code;
    this.stage = stage;
    this.detail = detail;
  }

  /** The same problem, told for another stage (a walk error met while verifying, say). */
  forStage(stage: SigningStage): SigningError {
    return stage === this.stage ? this : new SigningError(stage, this.code, this.detail);
  }
}

export function signingError(stage: SigningStage, code: SigningErrorCode, detail: string): SigningError {
  return new SigningError(stage, code, detail);
}

/** Quotes a value for a message the way the rest of modelvet does: JSON string syntax. */
export function quote(value: string): string {
  return JSON.stringify(value);
}
