import { readFileSync } from 'node:fs';
import { JSONWebKeySet, JWTPayload, JWTVerifyGetKey, createLocalJWKSet, createRemoteJWKSet, jwtVerify } from 'jose';
import { ConfigError } from '../config';
import { ALLOWED_ALGORITHMS, AuthSettings, CLOCK_TOLERANCE_SECONDS } from './auth.settings';
import { Principal, isRole } from './principal';

/** Why a bearer token was refused; the message is safe to return to the caller. */
export class TokenRejected extends Error {
  override readonly name = 'TokenRejected';
}

/** The identity provider's key set could not be fetched: no token can be judged right now. */
export class KeySetUnavailable extends Error {
  override readonly name = 'KeySetUnavailable';
}

const MAX_TOKEN_LENGTH = 16_384;

/**
 * Verifies bearer JWTs with `jose` against the configured JWKS: signature by an asymmetric
 * algorithm (HS* and `none` are refused before any key is looked at), `iss`, `aud`, `exp` and
 * `nbf` with 60 s of skew, and a `sub`.
 */
export class TokenVerifier {
  private constructor(
    private readonly keys: JWTVerifyGetKey,
    private readonly settings: AuthSettings,
  ) {}

  static fromSettings(settings: AuthSettings): TokenVerifier {
    if ('url' in settings.jwks) {
      // jose caches the set, refetches it for an unknown `kid` (key rotation) at most every 30 s.
      return new TokenVerifier(createRemoteJWKSet(new URL(settings.jwks.url), { timeoutDuration: 5_000, cooldownDuration: 30_000 }), settings);
    }
    return new TokenVerifier(createLocalJWKSet(readKeySetFile(settings.jwks.file)), settings);
  }

  async verify(token: string): Promise<Principal> {
    if (token.length > MAX_TOKEN_LENGTH) throw new TokenRejected('the bearer token is too long');
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, this.keys, {
        issuer: this.settings.issuer,
        audience: this.settings.audience,
        algorithms: [...ALLOWED_ALGORITHMS],
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
        requiredClaims: ['sub', 'exp'],
      }));
    } catch (error) {
      throw rejectionOf(error);
    }
    if (typeof payload.sub !== 'string' || payload.sub.length === 0 || payload.sub.length > 256) {
      throw new TokenRejected('the bearer token has no valid sub');
    }
    const roles = Array.isArray(payload['roles']) ? [...new Set(payload['roles'].filter(isRole))] : [];
    const tid = payload['tid'];
    return { sub: payload.sub, roles, ...(typeof tid === 'string' && tid.length > 0 ? { tid } : {}) };
  }
}

function rejectionOf(error: unknown): Error {
  const code = (error as { code?: string })?.code ?? '';
  switch (code) {
    case 'ERR_JWT_EXPIRED':
      return new TokenRejected('the bearer token has expired');
    case 'ERR_JWT_CLAIM_VALIDATION_FAILED': {
      const claim = (error as { claim?: string }).claim;
      if (claim === 'nbf') return new TokenRejected('the bearer token is not valid yet');
      if (claim === 'iss') return new TokenRejected('the bearer token has the wrong issuer');
      if (claim === 'aud') return new TokenRejected('the bearer token has the wrong audience');
      return new TokenRejected(`the bearer token's ${claim ?? 'claims'} are not valid`);
    }
    case 'ERR_JOSE_ALG_NOT_ALLOWED':
      return new TokenRejected('the bearer token is not signed with an accepted algorithm');
    case 'ERR_JWKS_TIMEOUT':
      return new KeySetUnavailable("the identity provider's keys did not arrive in time");
    default: {
      // The remote key set: a failed fetch (TypeError "fetch failed") or a bad answer (JOSEError).
      const message = String((error as Error)?.message ?? '');
      if ((error instanceof TypeError && /fetch/i.test(message)) || (code === 'ERR_JOSE_GENERIC' && /JSON Web Key Set/.test(message))) {
        return new KeySetUnavailable("the identity provider's keys could not be fetched");
      }
      // Bad signature, unknown key, malformed JWS or claims: one answer, no oracle.
      return new TokenRejected('the bearer token is not valid');
    }
  }
}

/** Reads a public JWKS file, refusing one that holds a private or a symmetric key. */
export function readKeySetFile(file: string): JSONWebKeySet {
  let set: JSONWebKeySet;
  try {
    set = JSON.parse(readFileSync(file, 'utf8')) as JSONWebKeySet;
  } catch (error) {
    throw new ConfigError(`invalid configuration:\n  AUTH_JWKS_FILE (${file}): cannot read a JSON key set: ${(error as Error).message}`);
  }
  if (!set || !Array.isArray(set.keys) || set.keys.length === 0) {
    throw new ConfigError(`invalid configuration:\n  AUTH_JWKS_FILE (${file}): not a JWKS ({"keys": [...]}) with at least one key`);
  }
  for (const key of set.keys) {
    if (key.kty === 'oct' || 'd' in key) {
      throw new ConfigError(`invalid configuration:\n  AUTH_JWKS_FILE (${file}): holds a private or symmetric key; publish public keys only`);
    }
  }
  return set;
}
