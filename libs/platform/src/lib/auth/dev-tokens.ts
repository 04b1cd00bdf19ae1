import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { JWK, SignJWT, exportJWK, generateKeyPair, importJWK } from 'jose';
import { DEV_AUDIENCE, DEV_ISSUER } from './auth.settings';
import { Role } from './principal';

/**
 * A development key set (`npm start` without an identity provider, `npm run -s token`, the
 * test harness): an ES256 key pair, the public half as a JWKS file the services trust
 * (AUTH_JWKS_FILE) and the private half beside it, readable by its owner only.
 */
export interface DevKeySet {
  dir: string;
  /** The public JWKS: AUTH_JWKS_FILE of the services. */
  jwksFile: string;
  /** The private JWK, for signing. */
  signingKeyFile: string;
}

export const DEV_JWKS_FILE = 'jwks.json';
export const DEV_SIGNING_KEY_FILE = 'signing-key.jwk.json';
const ALG = 'ES256';

export function devKeySetAt(dir: string): DevKeySet {
  return { dir, jwksFile: path.join(dir, DEV_JWKS_FILE), signingKeyFile: path.join(dir, DEV_SIGNING_KEY_FILE) };
}

/** The key set in `dir`, made there first if it is not complete. */
export async function ensureDevKeySet(dir: string): Promise<DevKeySet> {
  const set = devKeySetAt(dir);
  if (existsSync(set.jwksFile) && existsSync(set.signingKeyFile)) return set;
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const { publicKey, privateKey } = await generateKeyPair(ALG, { extractable: true });
  const kid = `dev-${randomUUID()}`;
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: ALG, use: 'sig' };
  const privateJwk = { ...(await exportJWK(privateKey)), kid, alg: ALG, use: 'sig' };
  writeAtomically(set.signingKeyFile, JSON.stringify(privateJwk), 0o600);
  writeAtomically(set.jwksFile, JSON.stringify({ keys: [publicJwk] }, null, 2), 0o644);
  return set;
}

function writeAtomically(file: string, content: string, mode: number): void {
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, content + '\n', { mode });
  renameSync(temporary, file);
}

export interface TokenRequest {
  roles: Role[];
  /** `tid`: the tenant of a tenant-admin or tenant-reader. */
  tenant?: string;
  /** `sub`; defaults to `dev-<first role>[@tenant]`. */
  sub?: string;
  /** Lifetime in seconds (default 1 hour). */
  ttlSeconds?: number;
  issuer?: string;
  audience?: string;
  /** Seconds from now until the token is valid (`nbf`; default 0). */
  notBeforeSeconds?: number;
  /** Claims to add (tests: odd tokens). */
  extra?: Record<string, unknown>;
}

/** Signs a bearer token with a private JWK (ES256 of `ensureDevKeySet`). */
export async function signToken(privateJwk: JWK, request: TokenRequest): Promise<string> {
  const key = await importJWK(privateJwk, privateJwk.alg ?? ALG);
  const now = Math.floor(Date.now() / 1000);
  const sub = request.sub ?? `dev-${request.roles[0] ?? 'nobody'}${request.tenant ? `@${request.tenant}` : ''}`;
  return new SignJWT({ roles: request.roles, ...(request.tenant ? { tid: request.tenant } : {}), ...request.extra })
    .setProtectedHeader({ alg: privateJwk.alg ?? ALG, kid: privateJwk.kid, typ: 'JWT' })
    .setSubject(sub)
    .setIssuer(request.issuer ?? DEV_ISSUER)
    .setAudience(request.audience ?? DEV_AUDIENCE)
    .setIssuedAt(now)
    .setNotBefore(now + (request.notBeforeSeconds ?? 0))
    .setExpirationTime(now + (request.ttlSeconds ?? 3600))
    .setJti(randomUUID())
    .sign(key);
}

/** Signs with the private key of a development key set. */
export async function signDevToken(set: DevKeySet, request: TokenRequest): Promise<string> {
  return signToken(JSON.parse(readFileSync(set.signingKeyFile, 'utf8')) as JWK, request);
}

/** `90s`, `15m`, `12h`, `7d` or plain seconds → seconds; undefined when it is none of these. */
export function parseDuration(text: string): number | undefined {
  const match = /^(\d{1,7})([smhd]?)$/.exec(text.trim());
  if (!match) return undefined;
  const factor = { '': 1, s: 1, m: 60, h: 3600, d: 86_400 }[match[2] as '' | 's' | 'm' | 'h' | 'd'];
  const seconds = Number(match[1]) * factor;
  return seconds > 0 ? seconds : undefined;
}
