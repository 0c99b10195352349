import type { ReloadBroadcast } from "../graphs/graph-service.ts";
import type { RedisConnection } from "./redis.ts";

/**
 * Graph reload requests between the members of a fleet, over Redis pub/sub on the
 * process's one subscriber connection. A member that missed one (Redis was down)
 * serves its older graphs until the next request or its restart; each member's
 * /api/health says which version it serves, so a straggler shows.
 */
export class RedisGraphReloads implements ReloadBroadcast {
  private readonly channel: string;
  private readonly subscribed: Promise<void>;

  constructor(
    private readonly conn: RedisConnection,
    /** this member: its own request is not answered twice */
    private readonly memberId: string,
    private readonly onRequest: () => void,
    private readonly logError: (err: unknown) => void,
  ) {
    this.channel = `${conn.prefix}graphs:reload`;
    conn.subscriber().on("message", this.onMessage);
    this.subscribed = conn
      .subscriber()
      .subscribe(this.channel)
      .then(
        () => {},
        (err: unknown) => this.logError(err),
      );
  }

  ready(): Promise<void> {
    return this.subscribed;
  }

  send(): void {
    this.conn.client.publish(this.channel, this.memberId).catch((err: unknown) => this.logError(err));
  }

  async close(): Promise<void> {
    const subscriber = this.conn.subscriber();
    subscriber.off("message", this.onMessage);
    await subscriber.unsubscribe(this.channel).catch(() => {});
  }

  private readonly onMessage = (channel: string, message: string): void => {
    if (channel === this.channel && message !== this.memberId) this.onRequest();
  };
}
