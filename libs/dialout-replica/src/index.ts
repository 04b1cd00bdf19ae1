/**
 * The replica of the dial-out policies a service learns from `dialout-policy.events` (grants and
 * restatements), to screen calls by in its own hop: licensing now, the pool's one-hop admission next.
 */
export * from './lib/dialout-policy-replica.decider';
export * from './lib/dialout-policy-replica';
export * from './lib/dialout-policies.projection';
export * from './lib/learned-dialout-policies.dto';
