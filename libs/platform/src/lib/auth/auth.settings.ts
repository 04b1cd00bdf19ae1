import { ConfigError, ServiceConfig } from '../config';

/** Issuer and audience of the development key set (`npm start`, `npm run -s token`, tests). */
export const DEV_ISSUER = 'comms-credits-dev';
export const DEV_AUDIENCE = 'comms-credits';

/** Asymmetric signatures only: HS* (a shared secret, or a public key abused as one) and `none` never verify. */
export const ALLOWED_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'] as const;

/** Skew allowed on `exp` and `nbf` (design.md: 60 s). */
export const CLOCK_TOLERANCE_SECONDS = 60;

export interface AuthSettings {
  jwks: { url: string } | { file: string };
  issuer: string;
  audience: string;
}

/**
 * The access settings of a service, or a ConfigError naming what is missing. Fails closed: no
 * JWKS, no service. A JWKS URL (a real identity provider) needs its issuer and audience spelled
 * out; a JWKS file (development, tests) defaults to the development ones.
 */
export function authSettingsOf(config: ServiceConfig): AuthSettings {
  const { AUTH_JWKS_URL: url, AUTH_JWKS_FILE: file, AUTH_ISSUER: issuer, AUTH_AUDIENCE: audience } = config;
  const problems: string[] = [];
  if (url && file) problems.push('  AUTH_JWKS_URL, AUTH_JWKS_FILE: set one of them, not both');
  if (!url && !file) {
    problems.push(
      "  AUTH_JWKS_URL (missing): set AUTH_JWKS_URL (the identity provider's JWKS) or AUTH_JWKS_FILE (a JWKS file; `npm start` makes one under .run/auth/)",
    );
  }
  if (url && !issuer) problems.push('  AUTH_ISSUER (missing): required with AUTH_JWKS_URL');
  if (url && !audience) problems.push('  AUTH_AUDIENCE (missing): required with AUTH_JWKS_URL');
  if (problems.length > 0) throw new ConfigError(`invalid configuration:\n${problems.join('\n')}`);
  return {
    jwks: url ? { url } : { file: file! },
    issuer: issuer ?? DEV_ISSUER,
    audience: audience ?? DEV_AUDIENCE,
  };
}
