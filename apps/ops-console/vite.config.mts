import path from 'node:path';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');

/** `vite` (npx nx serve ops-console): the same /api/<service> paths as the console server, to the local services. */
const PORTS: Record<string, number> = {
  licensing: 3001,
  'dialout-policy': 3002,
  'pool-ledger': 3003,
  'credit-wallet': 3004,
  'toll-free': 3005,
  reporting: 3006,
};

export default defineConfig({
  root: here,
  plugins: [react()],
  resolve: {
    alias: {
      '@comms-credits/ops-console-model': path.join(root, 'libs/ops-console-model/src/index.ts'),
      '@comms-credits/contracts/responses': path.join(root, 'libs/contracts/src/responses.ts'),
    },
  },
  build: { outDir: path.join(root, 'dist/apps/ops-console'), emptyOutDir: true, chunkSizeWarningLimit: 2000 },
  server: {
    port: 3000,
    proxy: Object.fromEntries(
      Object.entries(PORTS).map(([name, port]) => [
        `/api/${name}`,
        { target: `http://127.0.0.1:${port}`, rewrite: (p: string) => p.slice(`/api/${name}`.length) || '/' },
      ]),
    ),
  },
});
