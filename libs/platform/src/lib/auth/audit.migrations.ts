import { AuditIndex1764000000010 } from '@comms-credits/event-store';

/** A service's migrations plus the ones the platform adds to every event store (the audit index). */
export function withPlatformMigrations(migrations: Function[]): Function[] {
  return migrations.includes(AuditIndex1764000000010) ? migrations : [...migrations, AuditIndex1764000000010];
}
