/** The signed-in user, read from the bearer token's claims (the services verify it; the console only reads it to shape the pages). */
export type Role = 'operator' | 'tenant-admin' | 'tenant-reader';

export interface Session {
  token: string;
  sub: string;
  roles: Role[];
  tenant: string | null;
  /** Expiry, ms since the epoch (null: none stated). */
  expiresAt: number | null;
}

const KNOWN: readonly Role[] = ['operator', 'tenant-admin', 'tenant-reader'];

function base64UrlDecode(part: string): string {
  const base64 = part
    .replace(/-/g, '+')
    .replace(/_/g, '/')
    .padEnd(Math.ceil(part.length / 4) * 4, '=');
  const binary = atob(base64);
  const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
  return new TextDecoder().decode(bytes);
}

/** Reads a JWT's claims; a readable error for anything that is not one. */
export function sessionFromToken(raw: string, now = Date.now()): { ok: true; session: Session } | { ok: false; error: string } {
  const token = raw.trim().replace(/^Bearer\s+/i, '');
  const parts = token.split('.');
  if (parts.length !== 3 || parts.some((p) => !/^[A-Za-z0-9_-]*$/.test(p)) || !parts[1])
    return { ok: false, error: 'This is not a bearer token (a JWT has three dot-separated parts).' };
  let claims: Record<string, unknown>;
  try {
    claims = JSON.parse(base64UrlDecode(parts[1])) as Record<string, unknown>;
  } catch {
    return { ok: false, error: 'The token’s claims cannot be read.' };
  }
  const roles = (Array.isArray(claims['roles']) ? claims['roles'] : []).filter((r): r is Role => KNOWN.includes(r as Role));
  if (roles.length === 0) return { ok: false, error: 'The token grants none of the roles operator, tenant-admin or tenant-reader.' };
  const expiresAt = typeof claims['exp'] === 'number' ? claims['exp'] * 1000 : null;
  if (expiresAt !== null && expiresAt <= now) return { ok: false, error: 'The token has expired.' };
  const tenant = typeof claims['tid'] === 'string' ? claims['tid'] : null;
  if (!roles.includes('operator') && !tenant) return { ok: false, error: 'A tenant-admin or tenant-reader token must name its tenant (tid).' };
  return { ok: true, session: { token, sub: typeof claims['sub'] === 'string' ? claims['sub'] : 'unknown', roles, tenant, expiresAt } };
}

export const isOperator = (s: Session | null | undefined): boolean => !!s?.roles.includes('operator');

/** May read the tenant's pages (the services decide in the end; this hides what would be refused). */
export function canRead(s: Session | null | undefined, tenant: string): boolean {
  return !!s && (isOperator(s) || s.tenant === tenant);
}

/** May change the tenant's settings: operators and that tenant's admins, never readers. */
export function canEdit(s: Session | null | undefined, tenant: string): boolean {
  return !!s && (isOperator(s) || (s.tenant === tenant && s.roles.includes('tenant-admin')));
}

/** Where a user lands after signing in. */
export function homeOf(s: Session): string {
  return isOperator(s) ? '/tenants' : `/tenants/${encodeURIComponent(s.tenant!)}`;
}
