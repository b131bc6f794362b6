import {
  type EndpointHealth,
  ModelRouter,
  NO_HEALTH,
  PatternClassifier,
  type RequestClassifier,
  type RoutingOptions,
  resolveRoutingOptions,
} from '@warren/models';

/** Nest injection token of the sessions' {@link SessionRouting}. */
export const SESSION_ROUTING = Symbol('warren:session-routing');

/**
 * What a session turn routes with: the router (strategies from `routing:`), the options, and the
 * node's endpoint health tracker, which the turn feeds with each call's outcome (health is per
 * node: each runtime node measures the calls its own sessions make).
 */
export class SessionRouting {
  readonly router: ModelRouter;
  /** True when some rule looks at the user's profile tags (only then are they read for routing). */
  readonly needsTags: boolean;

  constructor(
    readonly options: RoutingOptions,
    readonly health?: EndpointHealth,
    classifier: RequestClassifier = new PatternClassifier(options.classifier),
    /** The model endpoints of the configuration (`local` and `models.endpoints`): what a message's `model` may name. */
    readonly endpoints: ReadonlySet<string> = new Set([options.default, 'local']),
  ) {
    this.router = new ModelRouter(options, classifier, health ?? NO_HEALTH);
    this.needsTags = Object.values(options.strategies).some((s) => s.kind === 'rules' && s.rules.some((r) => r.when.tags));
  }

  /** From the raw `routing:` section; `sessionModel` (`session.model`) is the default target; `endpoints` the configured model endpoints. */
  static fromConfig(
    raw: unknown,
    sessionModel: string,
    health?: EndpointHealth,
    classifier?: RequestClassifier,
    endpoints?: ReadonlySet<string>,
  ): SessionRouting {
    return new SessionRouting(resolveRoutingOptions(structuredClone(raw ?? {}), sessionModel), health, classifier, endpoints);
  }
}
