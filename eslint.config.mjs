import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';

/**
 * Module boundaries are enforced, not described (style.md): apps never import apps, one
 * service's scope never imports another's, contracts stay free of frameworks, and production
 * code never imports the testing library.
 */
export default [
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  { ignores: ['**/dist', '**/node_modules', '**/.run', '**/.nx', '**/coverage', 'tools/**/*.mjs'] },
  {
    files: ['**/*.ts'],
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          allowCircularSelfDependency: false,
          banTransitiveDependencies: false,
          depConstraints: [
            // The layers, top to bottom: app → feature → platform → data-access → util → contracts.
            // libs/platform is the one type:platform: it assembles a service from the data-access
            // libraries (event store, messaging), so it sits above them and below the features.
            { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:feature', 'type:platform', 'type:data-access', 'type:util', 'type:contracts'] },
            {
              sourceTag: 'type:tool',
              onlyDependOnLibsWithTags: ['type:feature', 'type:platform', 'type:data-access', 'type:util', 'type:contracts', 'type:testing'],
            },
            {
              sourceTag: 'type:e2e',
              onlyDependOnLibsWithTags: ['type:feature', 'type:platform', 'type:data-access', 'type:util', 'type:contracts', 'type:testing'],
            },
            {
              sourceTag: 'type:feature',
              onlyDependOnLibsWithTags: ['type:feature', 'type:platform', 'type:data-access', 'type:util', 'type:contracts', 'type:testing'],
            },
            // type:testing is allowed for the specs of every library; no-restricted-imports below
            // keeps it out of production code.
            { sourceTag: 'type:platform', onlyDependOnLibsWithTags: ['type:data-access', 'type:util', 'type:contracts', 'type:testing'] },
            { sourceTag: 'type:data-access', onlyDependOnLibsWithTags: ['type:data-access', 'type:util', 'type:contracts', 'type:testing'] },
            { sourceTag: 'type:util', onlyDependOnLibsWithTags: ['type:util', 'type:contracts', 'type:testing'] },
            // The testing libraries boot services for tests (service-testing starts one through the platform).
            { sourceTag: 'type:testing', onlyDependOnLibsWithTags: ['type:platform', 'type:data-access', 'type:util', 'type:contracts', 'type:testing'] },
            {
              sourceTag: 'type:contracts',
              onlyDependOnLibsWithTags: ['type:contracts'],
              bannedExternalImports: ['@nestjs/*', 'typeorm', 'kafkajs', 'pg', 'express', 'nestjs-pino'],
            },
            { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared'] },
            { sourceTag: 'scope:licensing', onlyDependOnLibsWithTags: ['scope:licensing', 'scope:shared'] },
            { sourceTag: 'scope:dialout-policy', onlyDependOnLibsWithTags: ['scope:dialout-policy', 'scope:shared'] },
            { sourceTag: 'scope:pool-ledger', onlyDependOnLibsWithTags: ['scope:pool-ledger', 'scope:shared'] },
            { sourceTag: 'scope:credit-wallet', onlyDependOnLibsWithTags: ['scope:credit-wallet', 'scope:shared'] },
            { sourceTag: 'scope:toll-free', onlyDependOnLibsWithTags: ['scope:toll-free', 'scope:shared'] },
            { sourceTag: 'scope:reporting', onlyDependOnLibsWithTags: ['scope:reporting', 'scope:shared'] },
            { sourceTag: 'scope:ops-console', onlyDependOnLibsWithTags: ['scope:ops-console', 'scope:shared'] },
            { sourceTag: 'scope:system', onlyDependOnLibsWithTags: ['*'] },
            { sourceTag: 'scope:tools', onlyDependOnLibsWithTags: ['*'] },
          ],
        },
      ],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true }],
      '@typescript-eslint/no-unsafe-function-type': 'off',
      // `!` only after a check the compiler cannot follow (a Map filled just before, a non-empty array).
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  {
    files: ['**/*.spec.ts'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off' },
  },
  {
    files: ['**/*.ts'],
    ignores: ['**/*.spec.ts', '**/test-support/**', 'libs/testing/**', 'libs/service-testing/**', 'apps/system-e2e/**', 'tools/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            { name: '@comms-credits/testing', message: 'The testing library is for tests only.' },
            { name: '@comms-credits/service-testing', message: 'The testing library is for tests only.' },
          ],
        },
      ],
    },
  },
  {
    // Domain code is pure (style.md: deciders tested given/when/then without I/O): no framework,
    // database, broker or I/O module may enter a domain folder or the domain kit. The testing
    // libraries stay banned here too (this entry replaces the one above for these files).
    files: ['libs/*/src/lib/domain/**/*.ts', 'libs/domain-kit/src/**/*.ts'],
    ignores: ['**/*.spec.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            { name: '@comms-credits/testing', message: 'The testing library is for tests only.' },
            { name: '@comms-credits/service-testing', message: 'The testing library is for tests only.' },
            ...['@comms-credits/event-store', '@comms-credits/messaging', '@comms-credits/platform'].map((name) => ({
              name,
              message: 'Domain code is pure: persistence, messaging and the platform belong to application/ and messaging/.',
            })),
            ...[
              'typeorm',
              'kafkajs',
              'pg',
              'express',
              'pino',
              'nestjs-pino',
              'node:fs',
              'node:net',
              'node:http',
              'node:https',
              'fs',
              'net',
              'http',
              'https',
            ].map((name) => ({
              name,
              message: 'Domain code is pure: no framework, database, broker or I/O module.',
            })),
          ],
          patterns: [{ group: ['@nestjs/*'], message: 'Domain code is pure: no NestJS in a domain folder.' }],
        },
      ],
    },
  },
];
