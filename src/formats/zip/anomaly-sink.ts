/** Anomalies kept per code; the rest are counted in one summary entry (CWE-770). */
export const MAX_ANOMALIES_PER_CODE = 200;

/**
 * Collects anomalies with a per-code cap, so a hostile archive with a million duplicate names
 * yields a bounded document.
 */
export class AnomalySink<A extends { code: string; message: string }> {
  private readonly counts = new Map<A["code"], number>();

  constructor(private readonly out: A[]) {}

  add(a: A): void {
    const n = (this.counts.get(a.code) ?? 0) + 1;
    this.counts.set(a.code, n);
    if (n <= MAX_ANOMALIES_PER_CODE) this.out.push(a);
  }

  /** Appends one "and N more" entry for each code that went over the cap. */
  finish(): void {
    for (const [code, n] of this.counts) {
      if (n > MAX_ANOMALIES_PER_CODE) this.out.push({ code, message: `${n - MAX_ANOMALIES_PER_CODE} more anomalies of this kind were not listed` } as A);
    }
  }
}
