import { Inject, Injectable } from '@nestjs/common';
import { type ProfilePatch, type ProfileRecord, WARREN_STORE, type WarrenStore } from '@warren/store';
import type { UpdateUserSettingsBody, UserSettingsView } from './user-settings.dto';

/** The opt-out of every proactive message, as stored in a profile's `optOuts` (the intent actor reads it). */
export const OPT_OUT_ALL = 'proactive';

/**
 * A user's settings over the store's `profiles`: tags and locale (read by the next turn's
 * preprocess), time zone, proactive opt-outs and quiet hours (read by the intent actor when a
 * proactive message comes due). Nothing is cached on either side, so a change applies at once.
 */
@Injectable()
export class UserSettingsService {
  constructor(@Inject(WARREN_STORE) private readonly store: WarrenStore) {}

  async get(tenant: string, userId: string): Promise<UserSettingsView> {
    return settingsView(userId, await this.store.profiles.get(tenant, userId));
  }

  /** Applies a PATCH: given fields replace, `null` removes, absent fields stay. */
  async update(tenant: string, userId: string, body: UpdateUserSettingsBody): Promise<UserSettingsView> {
    const patch: ProfilePatch = {};
    if (body.tags !== undefined) patch.tags = [...new Set(body.tags)];
    if (body.locale !== undefined) patch.locale = body.locale;
    if (body.timeZone !== undefined) patch.timeZone = body.timeZone;
    const proactive = body.proactive;
    if (proactive?.quietHours !== undefined)
      patch.quietHours = proactive.quietHours === null ? null : { start: proactive.quietHours.start, end: proactive.quietHours.end };
    if (proactive?.optOut !== undefined || proactive?.optOutOf !== undefined) {
      const current = (await this.store.profiles.get(tenant, userId))?.optOuts ?? [];
      const all = proactive.optOut ?? current.includes(OPT_OUT_ALL);
      const rules = proactive.optOutOf ?? current.filter((o) => o !== OPT_OUT_ALL);
      patch.optOuts = [...new Set([...(all ? [OPT_OUT_ALL] : []), ...rules.filter((r) => r !== OPT_OUT_ALL)])];
    }
    return settingsView(userId, await this.store.profiles.upsert(tenant, userId, patch));
  }

  /** Forgets the user's settings (the defaults apply again). */
  async reset(tenant: string, userId: string): Promise<void> {
    await this.store.profiles.delete(tenant, userId);
  }
}

/** The API's view of a profile (the defaults when there is none). */
export function settingsView(userId: string, profile: ProfileRecord | undefined): UserSettingsView {
  const optOuts = profile?.optOuts ?? [];
  return {
    userId,
    tags: profile?.tags ?? [],
    locale: profile?.locale ?? null,
    timeZone: profile?.timeZone ?? null,
    proactive: {
      optOut: optOuts.includes(OPT_OUT_ALL),
      optOutOf: optOuts.filter((o) => o !== OPT_OUT_ALL),
      quietHours: profile?.quietHours ? { ...profile.quietHours } : null,
    },
    updatedAt: profile ? profile.updatedAt.toISOString() : null,
  };
}
