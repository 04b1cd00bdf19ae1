import type { TestInfrastructure } from './test-infrastructure';

export default async function globalTeardown(): Promise<void> {
  await (globalThis as { __testInfrastructure?: TestInfrastructure }).__testInfrastructure?.stop();
}
