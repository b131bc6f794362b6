/** Something that can tell, at scrape time, how many actors it runs and how many messages wait. */
export interface RuntimeGaugeSource {
  /** Entity activations live now. */
  activeActors(): number;
  /** Messages waiting in actors' mailboxes, summed. */
  mailboxDepth(): number;
}

/** The sources registered with a `WarrenMetrics`; the gauges read their sum at each scrape. */
export class RuntimeGaugeSources {
  private readonly sources = new Set<RuntimeGaugeSource>();

  /** Adds a source; the returned function removes it again. */
  add(source: RuntimeGaugeSource): () => void {
    this.sources.add(source);
    return () => {
      this.sources.delete(source);
    };
  }

  /** Sum of one reading over all sources; a source that throws or returns a non-finite number counts as 0. */
  sum(read: (source: RuntimeGaugeSource) => number): number {
    let total = 0;
    for (const source of this.sources) {
      try {
        const n = read(source);
        if (Number.isFinite(n)) total += n;
      } catch {
        // a scrape never fails because one runtime is stopping
      }
    }
    return total;
  }
}
