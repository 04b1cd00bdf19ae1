import { CallAdmittedV1, CallEndedV1, CallRejectedV1, CallStartedV1 } from './calls';
import { SchemaRegistry } from './schema-registry';

/** Schemas of the events upstream telephony publishes. */
export function telephonySchemas(): SchemaRegistry {
  return new SchemaRegistry()
    .register({ type: 'CallStarted', schema: CallStartedV1, latestVersion: 1 })
    .register({ type: 'CallEnded', schema: CallEndedV1, latestVersion: 1 });
}

/** Schemas of `calls.decisions`. */
export function decisionSchemas(): SchemaRegistry {
  return new SchemaRegistry()
    .register({ type: 'CallAdmitted', schema: CallAdmittedV1, latestVersion: 1 })
    .register({ type: 'CallRejected', schema: CallRejectedV1, latestVersion: 1 });
}
