import {
  type EndpointHealth,
  ModelRouter,
  NO_HEALTH,
  PatternClassifier,
  type RequestClassifier,
  type RouterHealthView,
  type RoutingOptions,
  resolveRoutingOptions,
} from '@warren/models';

/** The optional parts of a {@link SessionRouting}. */
export interface SessionRoutingExtras {
  classifier?: RequestClassifier;
  /** The model endpoints of the configuration (`local` and `models.endpoints`): what a message's `model` may name. */
  endpoints?: ReadonlySet<string>;
  /** What the router reads (the cluster's view, `ClusterHealth`); absent: this node's `health`. */
  view?: RouterHealthView;
}

/** Nest injection token of the sessions' {@link SessionRouting}. */
export const SESSION_ROUTING = Symbol('warren:session-routing');

/**
 * What a session turn routes with: the router (strategies from `routing:`), the options, and the
 * node's endpoint health tracker, which the turn feeds with each call's outcome (each runtime node
 * measures the calls its own sessions make); the router reads the cluster's view when given one
 * (`ClusterHealth`: this node's tracker merged with the other nodes' announcements).
 */
export class SessionRouting {
  readonly router: ModelRouter;
  /** True when some rule looks at the user's profile tags (only then are they read for routing). */
  readonly needsTags: boolean;

  /** The model endpoints of the configuration (`local` and `models.endpoints`): what a message's `model` may name. */
  readonly endpoints: ReadonlySet<string>;

  constructor(
    readonly options: RoutingOptions,
    readonly health?: EndpointHealth,
    extras: SessionRoutingExtras = {},
  ) {
    this.endpoints = extras.endpoints ?? new Set([options.default, 'local']);
    const classifier = extras.classifier ?? new PatternClassifier(options.classifier);
    this.router = new ModelRouter(options, classifier, extras.view ?? health ?? NO_HEALTH);
    this.needsTags = Object.values(options.strategies).some((s) => s.kind === 'rules' && s.rules.some((r) => r.when.tags));
  }

  /** From the raw `routing:` section; `sessionModel` (`session.model`) is the default target. */
  static fromConfig(raw: unknown, sessionModel: string, health?: EndpointHealth, extras?: SessionRoutingExtras): SessionRouting {
    return new SessionRouting(resolveRoutingOptions(structuredClone(raw ?? {}), sessionModel), health, extras);
  }
}
