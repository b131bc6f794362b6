/** Injection token of the resolved {@link WarrenConfig}: `@Inject(WARREN_CONFIG) config: WarrenConfig`. */
export const WARREN_CONFIG = Symbol('WARREN_CONFIG');
