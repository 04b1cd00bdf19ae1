/**
 * Counts the SQL statements a service sends, by text: preloaded into the services with
 * `npm run bench:e2e -- --node-options="--require $PWD/tools/bench/e2e/statement-count.cjs"`,
 * it wraps node-postgres' `Client.prototype.query` (prepared statements included) and writes
 * <STATEMENT_COUNT_DIR>/<service>.txt (default .run/bench-e2e/statements) at SIGTERM: one line
 * per statement text (its first 90 characters), most frequent first, and the total.
 * SIGWINCH starts the count again from zero (e.g. once seeding is over: `pkill -WINCH -f dist/apps/`).
 * Only processes whose main script matches dist/apps/ are counted.
 */
'use strict';
const { countInServices } = require('./service-counter.cjs');

countInServices({
  module: 'pg',
  dir: process.env.STATEMENT_COUNT_DIR || '.run/bench-e2e/statements',
  size: (n) => n,
  line: ([text, n]) => `${String(n).padStart(7)} ${text}`,
  wrap: (exported, counts) => {
    if (!exported.Client) return false;
    const query = exported.Client.prototype.query;
    exported.Client.prototype.query = function (config) {
      const text = typeof config === 'string' ? config : config && config.text;
      if (text) {
        const key = text.replace(/\s+/g, ' ').trim().slice(0, 90);
        counts.set(key, (counts.get(key) || 0) + 1);
      }
      return query.apply(this, arguments);
    };
  },
});
