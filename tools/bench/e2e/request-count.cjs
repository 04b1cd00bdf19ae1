/**
 * Counts the Kafka requests a service sends, by API (Fetch, Produce, OffsetCommit, Heartbeat…):
 * preloaded into the services with
 * `npm run bench:e2e -- --node-options="--require $PWD/tools/bench/e2e/request-count.cjs"`,
 * it listens to the `network.request` instrumentation event of every kafkajs consumer, producer
 * and admin client the service creates, and writes <REQUEST_COUNT_DIR>/<service>.txt (default
 * .run/bench-e2e/requests) at SIGTERM: one line per client kind and API, most frequent first,
 * with the size of their responses. SIGWINCH starts the count again from zero (e.g. once seeding
 * is over: `pkill -WINCH -f dist/apps/`). Only processes whose main script matches dist/apps/.
 */
'use strict';
const { countInServices } = require('./service-counter.cjs');

countInServices({
  module: 'kafkajs',
  dir: process.env.REQUEST_COUNT_DIR || '.run/bench-e2e/requests',
  size: ({ n }) => n,
  line: ([key, { n, bytes }]) => `${String(n).padStart(7)} ${key.padEnd(28)} ${String(Math.round(bytes / 1024)).padStart(8)} KiB of responses`,
  wrap: (exported, counts) => {
    if (!exported.Kafka) return false;
    const count = (kind) => (event) => {
      const { apiName, size } = event.payload;
      const key = `${kind} ${apiName}`;
      const entry = counts.get(key) || { n: 0, bytes: 0 };
      entry.n++;
      entry.bytes += size || 0;
      counts.set(key, entry);
    };
    for (const kind of ['consumer', 'producer', 'admin']) {
      const create = exported.Kafka.prototype[kind];
      exported.Kafka.prototype[kind] = function () {
        const client = create.apply(this, arguments);
        client.on(client.events.REQUEST, count(kind));
        return client;
      };
    }
  },
});
