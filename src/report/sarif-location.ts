import type { Location } from "../core/finding.js";

export interface SarifLocation {
  physicalLocation: {
    artifactLocation: { uri: string };
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
export function sarifLocation(path: string, location: Location): SarifLocation {
  const region = location.member === undefined && location.offset !== undefined ? { startLine: 1, byteOffset: location.offset } : { startLine: 1 };
  const physicalLocation = { artifactLocation: { uri: artifactUri(path) }, region };
  if (location.member === undefined) return { physicalLocation };
  return {
    physicalLocation,
    logicalLocations: [{ name: lastSegment(location.member), fullyQualifiedName: location.member }],
    properties: location.offset === undefined ? { member: location.member } : { member: location.member, offset: location.offset },
  };
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
