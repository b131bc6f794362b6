/** What a classifier sees of a turn. */
export interface ClassifiedRequest {
  text: string;
  language?: string;
}

/**
 * Classifies a request for the content-based strategy (e.g. `code`, `math`, `chit-chat`).
 * Pluggable: provide another implementation (an embedding or a model call) under
 * `REQUEST_CLASSIFIER`. Returns undefined when no class fits.
 */
export interface RequestClassifier {
  classify(request: ClassifiedRequest): string | undefined;
}

/** Nest injection token of the `RequestClassifier`. */
export const REQUEST_CLASSIFIER = Symbol('warren:request-classifier');

/** The default classifier: keyword and regular-expression patterns per class; the first class with a match wins. */
export class PatternClassifier implements RequestClassifier {
  private readonly classes: { name: string; patterns: RegExp[] }[];

  constructor(classes: Readonly<Record<string, readonly string[]>>) {
    this.classes = Object.entries(classes).map(([name, list]) => ({ name, patterns: list.map((p) => new RegExp(p, 'iu')) }));
  }

  classify(request: ClassifiedRequest): string | undefined {
    return this.classes.find((c) => c.patterns.some((p) => p.test(request.text)))?.name;
  }
}
