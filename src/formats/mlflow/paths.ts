/**
 * Why a path that MLflow joins onto the model directory could point elsewhere, or undefined
 * when it is a plain relative path. MLflow's own traversal CVEs (CVE-2023-6977, CVE-2024-1483,
 * CVE-2024-3848) used `..`, absolute paths, `file://` and `#` fragments in exactly such values.
 *
 * @example
 * pathProblem("../../etc/passwd"); // "climbs out of the model directory with '..'"
 * pathProblem("model.pkl");        // undefined
 */
export function pathProblem(value: string): string | undefined {
  const decoded = safeDecode(value);
  if (decoded !== value && pathProblem(decoded) !== undefined) return `percent-encoded: ${pathProblem(decoded) as string}`;
  if (/^[a-zA-Z]:[\\/]/.test(value) || value.startsWith("\\\\")) return "is an absolute Windows path";
  if (value.startsWith("/") || value.startsWith("\\")) return "is an absolute path";
  if (value.startsWith("~")) return "starts in a home directory";
  const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(value)?.[1];
  if (scheme !== undefined) return `is a ${scheme.toLowerCase()}: URI, not a path inside the model`;
  if (value.split(/[\\/]/).some((segment) => segment === "..")) return "climbs out of the model directory with '..'";
  if (value.includes("#")) return "contains a '#' fragment";
  if (value.includes("\0")) return "contains a NUL byte";
  return undefined;
}

function safeDecode(value: string): string {
  if (!/%[0-9a-fA-F]{2}/.test(value)) return value;
  // decodeURIComponent throws on a lone '%'; decode each escape by hand instead.
  return value.replace(/%([0-9a-fA-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}
