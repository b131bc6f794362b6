import type { ProfilePatch, ProfileRecord } from '../ports/profile.port';
import { invalid, requireId } from './input-checks';
import { stripUndefined } from './strip-undefined';

const HH_MM = /^([01]\d|2[0-3]):[0-5]\d$/;
/** A BCP 47 language tag as Warren takes it: a 2-3 letter language, then subtags (`pt-BR`, `zh-Hant-TW`). */
export const LOCALE_PATTERN = /^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8}){0,4}$/;

/** Validates a profile patch. */
export function validateProfilePatch(patch: ProfilePatch): ProfilePatch {
  if (patch === null || typeof patch !== 'object') invalid('patch', 'must be an object');
  for (const field of ['tags', 'optOuts'] as const) {
    const list = patch[field];
    if (list !== undefined && !(Array.isArray(list) && list.every((x) => typeof x === 'string')))
      invalid(field, 'must be an array of strings');
  }
  const quiet = patch.quietHours;
  if (quiet !== undefined && quiet !== null && !(HH_MM.test(quiet.start) && HH_MM.test(quiet.end))) {
    invalid('quietHours', 'must be { start: "HH:MM", end: "HH:MM" }');
  }
  if (patch.timeZone !== undefined && patch.timeZone !== null) requireId('timeZone', patch.timeZone, 64);
  if (patch.locale !== undefined && patch.locale !== null && !(typeof patch.locale === 'string' && LOCALE_PATTERN.test(patch.locale)))
    invalid('locale', 'must be a BCP 47 language tag such as "fr" or "pt-BR"');
  if (patch.attributes !== undefined && (patch.attributes === null || typeof patch.attributes !== 'object')) {
    invalid('attributes', 'must be an object');
  }
  return patch;
}

/** Checks a profile key. */
export function assertProfileKey(tenant: string, userId: string): void {
  requireId('tenant', tenant, 128);
  requireId('userId', userId);
}

/** The profile after `patch`: given fields replace, `null` removes, absent fields stay. */
export function applyProfilePatch(
  tenant: string,
  userId: string,
  existing: ProfileRecord | undefined,
  patch: ProfilePatch,
  now: Date = new Date(),
): ProfileRecord {
  const base: ProfileRecord = existing ?? { tenant, userId, tags: [], optOuts: [], attributes: {}, updatedAt: now };
  return stripUndefined<ProfileRecord>({
    ...base,
    tags: patch.tags ?? base.tags,
    optOuts: patch.optOuts ?? base.optOuts,
    quietHours: patch.quietHours === null ? undefined : (patch.quietHours ?? base.quietHours),
    timeZone: patch.timeZone === null ? undefined : (patch.timeZone ?? base.timeZone),
    locale: patch.locale === null ? undefined : (patch.locale ?? base.locale),
    attributes: patch.attributes ?? base.attributes,
    updatedAt: now,
  });
}
