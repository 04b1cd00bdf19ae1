/**
 * What statement-count.cjs and request-count.cjs share: in a service process (main script under
 * dist/apps/), wrap a module once when it is first required, count into a Map, start again from
 * zero at SIGWINCH, and at SIGTERM write <dir>/<service>.txt, most frequent first, then the total.
 *
 *   countInServices({ module: 'pg', wrap: (exported, counts) => …, dir, line: ([key, value]) => … , size: (value) => n })
 */
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const Module = require('node:module');

function countInServices({ module, wrap, dir, line, size }) {
  const script = process.argv[1] || '';
  if (!/dist\/apps\//.test(script)) return;
  const counts = new Map();
  const load = Module.prototype.require;
  let wrapped = false;
  Module.prototype.require = function (id) {
    const exported = load.apply(this, arguments);
    if (!wrapped && id === module && exported) wrapped = wrap(exported, counts) !== false;
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
    const rows = [...counts].sort((a, b) => size(b[1]) - size(a[1]));
    const total = rows.reduce((sum, [, value]) => sum + size(value), 0);
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, `${name}.txt`), rows.map(line).join('\n') + `\n  total ${total}\n`);
  };
  process.on('SIGTERM', onTerm);
}

module.exports = { countInServices };
