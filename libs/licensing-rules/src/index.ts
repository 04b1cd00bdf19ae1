/** The licensing rules of admission stage 2: what a user's licences entitle a call to. */
export * from './lib/entitlement';
export * from './lib/licences';
export * from './lib/admission';
