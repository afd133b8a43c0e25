/**
 * Conformance exceptions, each with its reason (test/conformance.test.ts reads them).
 *
 * EXPECTED_GAPS: samples modelvet does not handle yet. Remove an entry as soon as it passes (a
 * test fails on stale entries).
 * DISAGREEMENTS: samples where modelvet deliberately differs from the peer label; the test
 * asserts modelvet's own verdict, so these cannot drift silently either.
 */
export const EXPECTED_GAPS: Record<string, string> = {
};

export const DISAGREEMENTS: Record<string, { verdicts: readonly string[]; reason: string }> = {
  "modelaudit/samples/jinja2/tokenizer_config.json": {
    verdicts: ["unsafe"],
    reason: "labelled clean by directory convention, but its chat_template is the CVE-2024-34359 payload (TPL001, TPL003)",
  },
  "modelaudit/samples/pickles/simple_nested.pkl": {
    verdicts: ["suspicious"],
    reason: "the embedded pickle is plain data and nothing deserializes it: PKL015 (medium) reports it, no code runs, so not unsafe",
  },
  "modelscan/password_protected.zip": {
    verdicts: ["error", "suspicious"],
    reason: "fail closed: an encrypted member cannot be scanned, so the file fails the gate (peer label: clean, skipped)",
  },
  "picklescan/data/benign_password_protected.zip": {
    verdicts: ["error", "suspicious"],
    reason: "fail closed: an encrypted member cannot be scanned, so the file fails the gate (peer label: clean)",
  },
};
