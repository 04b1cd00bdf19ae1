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
const fs = require('node:fs');
const path = require('node:path');
const Module = require('node:module');

const script = process.argv[1] || '';
if (/dist\/apps\//.test(script)) {
  const counts = new Map();
  const count = (kind) => (event) => {
    const { apiName, size } = event.payload;
    const key = `${kind} ${apiName}`;
    const entry = counts.get(key) || { n: 0, bytes: 0 };
    entry.n++;
    entry.bytes += size || 0;
    counts.set(key, entry);
  };
  const load = Module.prototype.require;
  let wrapped = false;
  Module.prototype.require = function (id) {
    const exported = load.apply(this, arguments);
    if (!wrapped && id === 'kafkajs' && exported && exported.Kafka) {
      wrapped = true;
      for (const kind of ['consumer', 'producer', 'admin']) {
        const create = exported.Kafka.prototype[kind];
        exported.Kafka.prototype[kind] = function () {
          const client = create.apply(this, arguments);
          client.on(client.events.REQUEST, count(kind));
          return client;
        };
      }
    }
    return exported;
  };
  process.on('SIGWINCH', () => counts.clear());
  const name =
    script
      .split('/')
      .filter((p) => p !== 'src' && p !== 'main.js')
      .pop() || 'node';
  const onTerm = () => {
    process.off('SIGTERM', onTerm);
    const dir = process.env.REQUEST_COUNT_DIR || '.run/bench-e2e/requests';
    const rows = [...counts].sort((a, b) => b[1].n - a[1].n);
    const total = rows.reduce((sum, [, { n }]) => sum + n, 0);
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(
      path.join(dir, `${name}.txt`),
      rows
        .map(([key, { n, bytes }]) => `${String(n).padStart(7)} ${key.padEnd(28)} ${String(Math.round(bytes / 1024)).padStart(8)} KiB of responses`)
        .join('\n') + `\n  total ${total}\n`,
    );
  };
  process.on('SIGTERM', onTerm);
}
