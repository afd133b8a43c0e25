/** Largest HTML file parsed, in bytes (CWE-400); a report card or page is far smaller. */
export const HTML_MAX_BYTES = 64 * 1024 * 1024;

/** Signals kept per document; more are counted (CWE-770). */
export const HTML_MAX_SIGNALS = 2_000;

/** `<iframe srcdoc>` documents nested in each other that are parsed (CWE-674). */
export const HTML_MAX_SRCDOC_DEPTH = 4;

/** Characters of one script kept for kernel-call search (CWE-770); longer scripts are searched up to it. */
export const HTML_MAX_SCRIPT_CHARS = 4 * 1024 * 1024;

/** Characters shown of a script or URL in a report. */
export const HTML_EXCERPT_CHARS = 160;

/** Encoded strings (base64, char codes) decoded per script to look for hidden kernel calls (CWE-770). */
export const HTML_MAX_DECODES_PER_SCRIPT = 64;
