/** One page of a listing. Pass `nextCursor` back to get the next page; it is absent on the last page. */
export interface Page<T> {
  items: T[];
  nextCursor?: string;
}

/** A page request. `cursor` is the opaque `nextCursor` of the previous page. */
export interface PageRequest {
  /** Items per page, 1 to 1000. @default 50 */
  limit?: number;
  cursor?: string;
}
