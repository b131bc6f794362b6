import { IsBoolean, IsInt, IsNotEmpty, IsObject, IsString, Max, Min } from 'class-validator';

/** HTTP gateway settings (`gateway:` in the config file). */
export class GatewayConfig {
  /**
   * HTTP port; 0 picks a free port (tests). Overridden by `PORT`.
   * @default 3000
   */
  @IsInt()
  @Min(0)
  @Max(65_535)
  port = 3000;

  /**
   * Interface the HTTP server binds to.
   * @default '0.0.0.0'
   */
  @IsString()
  @IsNotEmpty()
  host = '0.0.0.0';

  /**
   * Tenants and their API keys, stored as `sha256:<hex>` of the key (`echo -n <key> | sha256sum`).
   * Out of the box: the development tenant `dev` with the key `dev-key`; config/production.yaml
   * turns it off. Checked when the gateway starts.
   * @default { dev: { apiKeys: ['sha256:7e9f8fd1…'] } }
   */
  @IsObject()
  tenants: Record<string, { apiKeys: string[] }> = {
    dev: { apiKeys: ['sha256:7e9f8fd111802be56c379d597842e29b2cebd35ff2133d431a49fa556a18704e'] },
  };

  /**
   * Operators of the admin API (`/v1/admin/…`: dead letters, audit log) and their API keys,
   * stored as `sha256:<hex>` like the tenants' keys and never the same as one. The name is the
   * "who" of the audit log. Out of the box: the development admin `dev-admin` with the key
   * `dev-admin-key`; config/production.yaml turns it off. Checked when the gateway starts.
   * @default { 'dev-admin': { apiKeys: ['sha256:df76ff79…'] } }
   */
  @IsObject()
  admins: Record<string, { apiKeys: string[] }> = {
    'dev-admin': { apiKeys: ['sha256:df76ff796f70d2c9cb055ea6280553caa27eda26b70e01082c160de75a05a4a9'] },
  };

  /**
   * Days a discarded dead letter is kept before `dlq purge` (`POST /v1/admin/dead-letters/purge`) deletes it.
   * @default 30
   */
  @IsInt()
  @Min(1)
  @Max(36_500)
  deadLetterRetentionDays = 30;

  /**
   * Interval of the comment lines that keep a Server-Sent Events stream open through proxies.
   * @default 15000
   */
  @IsInt()
  @Min(1000)
  @Max(600_000)
  sseHeartbeatMs = 15_000;

  /**
   * Longest wait for the tenant's limiter when a turn is posted (`POST /v1/sessions/:id/messages`
   * asks it whether the turn would certainly be refused: 429 then instead of 202). Without an answer
   * in time the turn is accepted as before and the tenant is not asked about for 5 s. 0 turns the
   * accept-time check off.
   * @default 500
   */
  @IsInt()
  @Min(0)
  @Max(10_000)
  admissionTimeoutMs = 500;

  /**
   * Answer `POST /v1/sessions/:sessionId/messages` in an Express middleware of the gateway (same body
   * reader, API keys, DTO rules, exception filter and request observer) instead of Nest's router,
   * guard and pipe: about half the CPU per POST. Turn it off to put middleware added after the gateway's
   * set-up on that route too.
   * @default true
   */
  @IsBoolean()
  fastPostMessage = true;
}
