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
const fs = require('node:fs');
const path = require('node:path');
const Module = require('node:module');

const script = process.argv[1] || '';
if (/dist\/apps\//.test(script)) {
  const counts = new Map();
  const load = Module.prototype.require;
  let wrapped = false;
  Module.prototype.require = function (id) {
    const exported = load.apply(this, arguments);
    if (!wrapped && id === 'pg' && exported && exported.Client) {
      wrapped = true;
      const query = exported.Client.prototype.query;
      exported.Client.prototype.query = function (config) {
        const text = typeof config === 'string' ? config : config && config.text;
        if (text) {
          const key = text.replace(/\s+/g, ' ').trim().slice(0, 90);
          counts.set(key, (counts.get(key) || 0) + 1);
        }
        return query.apply(this, arguments);
      };
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
    const dir = process.env.STATEMENT_COUNT_DIR || '.run/bench-e2e/statements';
    const rows = [...counts].sort((a, b) => b[1] - a[1]);
    const total = rows.reduce((sum, [, n]) => sum + n, 0);
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, `${name}.txt`), rows.map(([text, n]) => `${String(n).padStart(7)} ${text}`).join('\n') + `\n  total ${total}\n`);
  };
  process.on('SIGTERM', onTerm);
}
