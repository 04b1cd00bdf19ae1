/**
 * Prototypes of messaging settings for the end-to-end benchmark, WITHOUT editing libs/messaging:
 * preloaded into the services (`npm run bench:e2e -- --node-options "--require ./tools/bench/e2e/prototype.cjs"`),
 * it changes at run time only what the environment asks for:
 *
 *   PROTO_PARTITIONS_CONCURRENTLY=N  kafkajs run({ partitionsConsumedConcurrently: N }) for every consumer
 *   PROTO_MAX_WAIT_MS=N              kafkajs consumer maxWaitTimeInMs (the services use 100)
 *   PROTO_RELAY_POLL_MS=N            the outbox relay's idle poll (50 ms in OutboxRelay)
 *
 * A measuring tool, not a fix: the changes it points at belong in libs/messaging.
 */
'use strict';
const Module = require('node:module');

const partitions = Number(process.env.PROTO_PARTITIONS_CONCURRENTLY || 0);
const maxWait = Number(process.env.PROTO_MAX_WAIT_MS || 0);
const relayPoll = process.env.PROTO_RELAY_POLL_MS === undefined ? undefined : Number(process.env.PROTO_RELAY_POLL_MS);
const patched = new Set();

const originalLoad = Module._load;
Module._load = function load(request, parent, isMain) {
  const exported = originalLoad.apply(this, arguments);
  if (request === 'kafkajs' && !patched.has('kafkajs') && (partitions || maxWait)) {
    patched.add('kafkajs');
    const consumer = exported.Kafka.prototype.consumer;
    exported.Kafka.prototype.consumer = function patchedConsumer(config) {
      const created = consumer.call(this, maxWait ? { ...config, maxWaitTimeInMs: maxWait } : config);
      if (partitions) {
        const run = created.run;
        created.run = (options) => run({ ...options, partitionsConsumedConcurrently: partitions });
      }
      return created;
    };
  }
  if (relayPoll !== undefined && exported && exported.OutboxRelay && !patched.has('relay')) {
    patched.add('relay');
    const idle = exported.OutboxRelay.prototype.idle;
    exported.OutboxRelay.prototype.idle = function patchedIdle(ms) {
      return idle.call(this, ms === this.idlePollMs ? relayPoll : ms);
    };
  }
  return exported;
};
