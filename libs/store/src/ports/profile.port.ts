/** Quiet hours in the user's time zone, `HH:MM` to `HH:MM` (may wrap past midnight). */
export interface QuietHours {
  start: string;
  end: string;
}

/** Fields of a profile that can be set. */
export interface ProfilePatch {
  /** Tags used in prompts. */
  tags?: string[];
  /** Kinds of proactive message the user does not want. */
  optOuts?: string[];
  /** `null` removes them. */
  quietHours?: QuietHours | null;
  /** IANA time zone (`Europe/Paris`); `null` removes it. */
  timeZone?: string | null;
  /** BCP 47 language tag (`fr`, `pt-BR`): the language a turn uses when its request names none; `null` removes it. */
  locale?: string | null;
  /** Free-form attributes, replaced as a whole. */
  attributes?: Record<string, unknown>;
}

/** A user's profile (`profiles`). */
export interface ProfileRecord {
  tenant: string;
  userId: string;
  tags: string[];
  optOuts: string[];
  quietHours?: QuietHours;
  timeZone?: string;
  locale?: string;
  attributes: Record<string, unknown>;
  updatedAt: Date;
}

/** Profiles (`profiles`), one per user of a tenant. */
export interface ProfileStore {
  get(tenant: string, userId: string): Promise<ProfileRecord | undefined>;
  /** Creates the profile or sets the given fields (absent fields stay as they are). */
  upsert(tenant: string, userId: string, patch: ProfilePatch): Promise<ProfileRecord>;
  /** Resolves true when there was a profile. */
  delete(tenant: string, userId: string): Promise<boolean>;
}
