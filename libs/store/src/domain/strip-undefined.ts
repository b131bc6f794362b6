/** Drops keys whose value is undefined, so records compare and serialise the same in every adapter. */
export function stripUndefined<T extends object>(record: T): T {
  for (const key of Object.keys(record) as Array<keyof T>) if (record[key] === undefined) delete record[key];
  return record;
}
