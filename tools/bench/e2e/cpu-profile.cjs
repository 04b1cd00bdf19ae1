/**
 * `--cpu-prof` for processes started with NODE_OPTIONS (Node 20 refuses --cpu-prof there):
 * preloaded with `--require`, it starts the V8 sampling profiler and writes
 * <CPU_PROFILE_DIR>/<script>-<pid>.cpuprofile when the process exits (the services exit after
 * SIGTERM through their shutdown hooks). Only processes whose main script matches
 * CPU_PROFILE_MATCH (default: dist/apps/) are profiled. SIGWINCH discards what was sampled so far.
 */
'use strict';
const inspector = require('node:inspector');
const fs = require('node:fs');
const path = require('node:path');

const script = process.argv[1] || '';
if (new RegExp(process.env.CPU_PROFILE_MATCH || 'dist/apps/').test(script)) {
  const dir = process.env.CPU_PROFILE_DIR || '.run/bench-e2e/prof';
  const session = new inspector.Session();
  session.connect();
  session.post('Profiler.enable');
  session.post('Profiler.setSamplingInterval', { interval: Number(process.env.CPU_PROFILE_INTERVAL_US || 1000) });
  session.post('Profiler.start');
  let written = false;
  const write = () => {
    if (written) return;
    written = true;
    // An in-process session answers synchronously, so this works inside 'exit'.
    session.post('Profiler.stop', (error, result) => {
      if (error) return;
      fs.mkdirSync(dir, { recursive: true });
      const name =
        script
          .split('/')
          .filter((p) => p !== 'src' && p !== 'main.js')
          .pop() || 'node';
      fs.writeFileSync(path.join(dir, `${name}-${process.pid}.cpuprofile`), JSON.stringify(result.profile));
    });
  };
  process.on('exit', write);
  // Nest's shutdown hook ends the process by re-raising SIGTERM, so 'exit' never comes: write the
  // profile at the first SIGTERM (the run is over by then) and step aside at once, so that this
  // listener neither delays the graceful shutdown nor swallows the re-raised signal.
  const onTerm = () => {
    process.off('SIGTERM', onTerm);
    write();
  };
  process.on('SIGTERM', onTerm);
  // SIGWINCH starts the profile again from now, to profile one phase of a run against a system
  // started with --keep, without its start-up and seeding: `pkill -WINCH -f dist/apps/`.
  // (Not SIGUSR2: Nest's shutdown hooks stop the service on it; SIGWINCH is ignored by default.)
  process.on('SIGWINCH', () => {
    session.post('Profiler.stop', () => session.post('Profiler.start'));
  });
}
