/** How many edits away a rule id may be and still be suggested: catches `PKL01`, `PLK001`, `pkl0001`. */
const MAX_DISTANCE = 2;
const MAX_SUGGESTIONS = 3;

/**
 * Candidates close to what the user typed (case-insensitive edit distance), nearest first.
 *
 * @example
 * closest("PLK001", ["PKL001", "PKL002", "FS001"]); // ["PKL001", "PKL002"]
 */
export function closest(input: string, candidates: readonly string[]): string[] {
  const wanted = input.toLowerCase();
  return candidates
    .map((candidate) => ({ candidate, distance: editDistance(wanted, candidate.toLowerCase()) }))
    .filter(({ distance }) => distance <= MAX_DISTANCE)
    .sort((a, b) => a.distance - b.distance || a.candidate.localeCompare(b.candidate))
    .slice(0, MAX_SUGGESTIONS)
    .map(({ candidate }) => candidate);
}

/** Optimal string alignment distance: Levenshtein plus swapping two neighbours (`PLK` for `PKL`). */
function editDistance(a: string, b: string): number {
  const rows = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  const at = (i: number, j: number): number => rows[i]?.[j] ?? Infinity;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, at(i - 2, j - 2) + 1);
      (rows[i] as number[])[j] = best;
    }
  }
  return at(a.length, b.length);
}
