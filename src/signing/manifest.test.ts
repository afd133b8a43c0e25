import { describe, expect, it } from "vitest";
import { compareManifests, describeDiff, sortItems, type Manifest, type ManifestItem } from "./manifest.js";

const item = (name: string, digest = "00", algorithm = "sha256"): ManifestItem => ({ name, algorithm, digest });
const manifest = (items: ManifestItem[]): Manifest => ({ modelName: "m", serialization: { method: "files", hashType: "sha256", allowSymlinks: false, ignorePaths: [] }, items });

describe("manifests", () => {
  it("sorts shards by path, then offsets numerically", () => {
    const sorted = sortItems([item("b:0:10"), item("a:10:20"), item("a:2:10"), item("a:0:2")], true);
    expect(sorted.map((i) => i.name)).toEqual(["a:0:2", "a:2:10", "a:10:20", "b:0:10"]);
  });
  it("names what was added, removed and changed", () => {
    const diff = compareManifests(manifest([item("a"), item("b"), item("c")]), manifest([item("a", "11"), item("c"), item("d")]));
    expect(diff).toEqual({ added: ["d"], removed: ["b"], changed: [{ name: "a", expected: item("a"), actual: item("a", "11") }] });
    expect(describeDiff(diff)).toBe('changed (digest differs): "a"; signed, but missing: "b"; not signed, but present: "d"');
  });
  it("says when only the algorithm differs, and counts long lists", () => {
    const many = Array.from({ length: 8 }, (_, i) => item(`f${i}`));
    expect(describeDiff(compareManifests(manifest([]), manifest(many)))).toBe('not signed, but present: "f0", "f1", "f2", "f3", "f4" and 3 more');
    expect(describeDiff(compareManifests(manifest([item("a")]), manifest([item("a", "00", "blake2b")])))).toBe('hashed differently (algorithm): "a"');
  });
});
