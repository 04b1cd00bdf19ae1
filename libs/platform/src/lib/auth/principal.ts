/** The roles of design.md "Access". Any other role in a token grants nothing. */
export const ROLES = ['operator', 'tenant-admin', 'tenant-reader'] as const;
export type Role = (typeof ROLES)[number];

/** Who is calling, from a verified bearer token. */
export interface Principal {
  /** The actor (`sub`). */
  sub: string;
  /** The known roles of the token (`roles`). */
  roles: Role[];
  /** The tenant the token belongs to (`tid`); an operator may have none. */
  tid?: string;
}

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}
