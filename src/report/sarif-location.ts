import type { Location } from "../core/finding.js";

/** The base id of relative URIs: the folder the scan ran in (a checkout's root in CI). */
export const SRCROOT = "%SRCROOT%";

export interface SarifLocation {
  physicalLocation: {
    artifactLocation: { uri: string; uriBaseId?: string };
    region: { startLine: number; byteOffset?: number };
  };
  logicalLocations?: { name: string; fullyQualifiedName: string }[];
  properties?: { member: string; offset?: number };
}

/**
 * The location of a fact in a scanned file.
 *
 * The region always has `startLine: 1`: model files are binary, but GitHub code scanning needs a
 * line to anchor an alert and ignores a region with only a byte offset. The byte offset is given
 * only when it is an offset in the file itself; an offset inside an archive member would point at
 * the wrong bytes of the archive, so it goes with the member into `properties`.
 *
 * @example
 * sarifLocation("models/x.pt", { member: "x/data.pkl", offset: 2 });
 * // artifactLocation.uri "models/x.pt", logicalLocations [{ name: "data.pkl", … }], properties { member, offset }
 */
export function sarifLocation(path: string, location: Location, srcRoot?: string): SarifLocation {
  const region = location.member === undefined && location.offset !== undefined ? { startLine: 1, byteOffset: location.offset } : { startLine: 1 };
  const physicalLocation = { artifactLocation: artifactLocation(path, srcRoot), region };
  if (location.member === undefined) return { physicalLocation };
  return {
    physicalLocation,
    logicalLocations: [{ name: lastSegment(location.member), fullyQualifiedName: location.member }],
    properties: location.offset === undefined ? { member: location.member } : { member: location.member, offset: location.offset },
  };
}

/**
 * Where a scanned file is, for GitHub to map results to files: relative to `%SRCROOT%` (the folder
 * the scan ran in) when it is inside it, however it was typed (`./m.pt`, `/abs/checkout/m.pt`,
 * `sub/../m.pt`); otherwise an absolute `file://` URI, with no base. `srcRoot` is an absolute POSIX
 * path; without it, only a relative path with no `..` is taken to be under `%SRCROOT%`.
 *
 * @example
 * artifactLocation("/work/repo/models/x.pt", "/work/repo"); // { uri: "models/x.pt", uriBaseId: "%SRCROOT%" }
 */
export function artifactLocation(path: string, srcRoot?: string): { uri: string; uriBaseId?: string } {
  const slashed = path.replaceAll("\\", "/");
  if (/^[A-Za-z]:\//.test(slashed)) return { uri: artifactUri(path) };
  const root = srcRoot === undefined ? undefined : normalizeSegments(srcRoot.replaceAll("\\", "/"));
  const absolute = slashed.startsWith("/") ? normalizeSegments(slashed) : root === undefined ? undefined : normalizeSegments(`${root.join("/")}/${slashed}`);
  if (absolute === undefined) {
    const relative = normalizeSegments(slashed);
    return relative[0] === ".." || relative.length === 0 ? { uri: artifactUri(path) } : { uri: encodeSegments(relative.join("/")), uriBaseId: SRCROOT };
  }
  if (root !== undefined && absolute.length > root.length && root.every((segment, i) => absolute[i] === segment)) {
    return { uri: encodeSegments(absolute.slice(root.length).join("/")), uriBaseId: SRCROOT };
  }
  return { uri: `file://${encodeSegments(absolute.join("/"))}` };
}

/** `/a/./b/../c` -> `["", "a", "c"]` (a leading "" for an absolute path); `..` above a relative start is kept. */
function normalizeSegments(path: string): string[] {
  const out: string[] = [];
  for (const segment of path.split("/")) {
    if (segment === "." || (segment === "" && out.length > 0)) continue;
    if (segment === ".." && out.length > 0 && out[out.length - 1] !== ".." && out[out.length - 1] !== "") out.pop();
    else if (segment === ".." && out[out.length - 1] === "") continue;
    else out.push(segment);
  }
  return out;
}

/**
 * A path as given on the command line, as a URI reference: forward slashes, still relative when it
 * was relative (GitHub resolves relative URIs against the repository root), each segment
 * percent-encoded so spaces, `#` and `?` in file names survive. Windows drive paths become
 * `file:///C:/…` because `C:` would otherwise read as a URI scheme.
 *
 * @example
 * artifactUri("models\\my model.pt"); // "models/my%20model.pt"
 */
export function artifactUri(path: string): string {
  // Percent-encoding makes controls, bidi and line separators inert; only a lone surrogate, which
  // encodeURIComponent throws on, is replaced first.
  const slashed = path.replace(LONE_SURROGATE, "\ufffd").replaceAll("\\", "/");
  const drive = /^([A-Za-z]):\//.exec(slashed);
  if (drive) return `file:///${drive[1]}:/${encodeSegments(slashed.slice(3))}`;
  return encodeSegments(slashed);
}

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

function encodeSegments(path: string): string {
  return path.split("/").map(encodeURIComponent).join("/");
}

function lastSegment(member: string): string {
  return member.split(/[/!]/).pop() || member;
}
