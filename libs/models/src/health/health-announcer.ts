import type { ControlCommand } from '@warren/actors';
import { type ClusterHealth, HEALTH_ANNOUNCE_MS } from './cluster-health';

/** The part of a transport the announcer uses: publish to every node, hear every node. */
export interface ControlPlane {
  control(command: ControlCommand): Promise<void>;
  onControl(handler: (command: ControlCommand) => void): void;
}

/**
 * Shares endpoint health across nodes on `warren.control`: every node that makes model calls
 * announces its tracker's snapshot every {@link HEALTH_ANNOUNCE_MS} (non-persistent, fanout), and
 * every process that listens (runtime nodes, a standalone gateway) merges what it hears into its
 * {@link ClusterHealth}. Advisory: a lost announcement only leaves a view a period older.
 */
export class HealthAnnouncer {
  private timer: NodeJS.Timeout | undefined;
  private listening = false;

  constructor(
    private readonly cluster: ClusterHealth,
    private readonly plane: ControlPlane,
    private readonly announceMs = HEALTH_ANNOUNCE_MS,
  ) {}

  /** Listens to the other nodes' announcements and, when this node measures (a runtime), announces its own. */
  start(): void {
    if (!this.listening) {
      this.listening = true;
      this.plane.onControl((command) => {
        if (command.kind === 'health') this.cluster.apply(command);
      });
    }
    if (this.cluster.local && !this.timer) {
      this.timer = setInterval(() => this.announce(), this.announceMs);
      this.timer.unref();
    }
  }

  /** Announces this node's snapshot now (nothing when it measured nothing). Never throws. */
  announce(): void {
    const a = this.cluster.announcement();
    if (a) this.plane.control(a).catch(() => undefined); // advisory: the next period says it again
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
}
