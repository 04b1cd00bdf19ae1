/** The dial-out policy rules: the catalogue, the evaluation of a call, and screening by a user's effective policy. */
export * from './lib/dialout-policy.catalogue';
export * from './lib/dialout.evaluation';
export * from './lib/effective-policy';
export * from './lib/screening';
