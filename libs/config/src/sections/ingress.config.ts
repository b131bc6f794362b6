import { IsInt, IsObject, Matches, Max, Min } from 'class-validator';

/** The ingress router: how raw producers' messages (voice/RTC servers) become session turns (`ingress:`). */
export class IngressConfig {
  /**
   * AMQP `user_id` → tenant. The broker checks `user_id` against the connection's user, so the
   * tenant of an AMQP message never comes from its body. Values must match [A-Za-z0-9_-]{1,64}
   * (checked when the runtime starts).
   * @default {}
   */
  @IsObject()
  tenantsByUser: Record<string, string> = {};

  /**
   * Tenant of messages whose `user_id` is not mapped (or absent).
   * @default 'dev'
   */
  @Matches(/^[A-Za-z0-9_-]{1,64}$/)
  defaultTenant = 'dev';

  /**
   * Longest accepted `data.text` of a `warren.session.message`, in characters.
   * @default 4000
   */
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  maxTextLength = 4000;
}
