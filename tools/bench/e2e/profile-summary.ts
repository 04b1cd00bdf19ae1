/**
 * Summarizes V8 CPU profiles (`node --cpu-prof`, as `npm run bench:e2e -- --cpu-prof` writes
 * them in .run/bench-e2e/prof when the services exit): self time per package / area and the
 * hottest functions, busy time only (idle excluded).
 *
 *   node -r @swc-node/register tools/bench/e2e/profile-summary.ts .run/bench-e2e/prof/*.cpuprofile
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}
interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

function area(url: string, name: string): string {
  if (!url) return name.startsWith('(') ? name : '(native)';
  const module = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (module) return module[1]!;
  if (url.startsWith('node:')) return `node:${url.slice(5).split('/')[url.startsWith('node:internal') ? 1 : 0]}`;
  const lib = /dist\/apps\/[^/]+\/(libs\/[^/]+)/.exec(url) ?? /(libs\/[^/]+)/.exec(url);
  if (lib) return lib[1]!;
  return url.split('/').slice(-2).join('/');
}

for (const file of process.argv.slice(2)) {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i]!;
    self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  }
  const areas = new Map<string, number>();
  const functions = new Map<string, number>();
  let busy = 0;
  let idle = 0;
  for (const [id, micros] of self) {
    const node = byId.get(id)!;
    const { functionName, url, lineNumber } = node.callFrame;
    if (functionName === '(idle)') {
      idle += micros;
      continue;
    }
    busy += micros;
    const a = area(url, functionName);
    areas.set(a, (areas.get(a) ?? 0) + micros);
    const f = `${functionName || '(anonymous)'} ${url ? `${path.basename(url)}:${lineNumber + 1}` : ''} [${a}]`;
    functions.set(f, (functions.get(f) ?? 0) + micros);
  }
  const wall = (profile.endTime - profile.startTime) / 1e6;
  console.log(`\n${path.basename(file)}: ${wall.toFixed(1)} s profiled, busy ${(busy / 1e6).toFixed(1)} s, idle ${(idle / 1e6).toFixed(1)} s`);
  const top = (map: Map<string, number>, n: number) =>
    [...map]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([k, v]) => `  ${((v / busy) * 100).toFixed(1).padStart(5)} %  ${(v / 1e6).toFixed(2).padStart(6)} s  ${k}`)
      .join('\n');
  console.log(' by area (self time, % of busy):');
  console.log(top(areas, 18));
  console.log(' hottest functions (self time):');
  console.log(top(functions, 20));
}
