import {
  Topics,
  creditWalletReportSchemas,
  decisionSchemas,
  dialoutPolicySchemas,
  licensingReportSchemas,
  poolLedgerReportSchemas,
  telephonySchemas,
  tollFreeReportSchemas,
} from '@comms-credits/contracts';
import { EventStore1764000000000 } from '@comms-credits/event-store';
import { ServiceDefinition } from '@comms-credits/platform';
import { Reporting1764000000700 } from './migrations/1764000000700-reporting';
import { TenantDirectory1764000000710 } from './migrations/1764000000710-tenant-directory';
import { tenantDirectoryProjection } from './projections/tenant-directory.projection';
import { usageProjection } from './projections/usage.projection';
import { webhookEndpointsProjection } from './projections/webhook-endpoints.projection';
import { ReportingConfig } from './reporting.config';
import { ReportingModule } from './reporting.module';

const telephony = telephonySchemas();

/**
 * The reporting service (design.md, "Reporting service"): it only projects. It reads the
 * telephony topics, the decisions and the other services' topics, owns no business decision,
 * and publishes nothing; webhooks leave by HTTP from its own outbox table.
 */
export const reportingService: ServiceDefinition<ReportingConfig> = {
  name: 'reporting',
  title: 'comms-credits: Reporting',
  description: 'The per-call usage report (JSON, CSV), usage summaries and signed webhooks for alerts.',
  defaultPort: 3006,
  configSchema: ReportingConfig,
  module: ReportingModule,
  migrations: [EventStore1764000000000, Reporting1764000000700, TenantDirectory1764000000710],
  projections: [usageProjection, webhookEndpointsProjection, tenantDirectoryProjection],
  consumes: {
    [Topics.CallStarted]: telephony,
    [Topics.CallEnded]: telephony,
    [Topics.CallDecisions]: decisionSchemas(),
    // Cleared calls only; the policy grants on the topic are skipped unvalidated.
    [Topics.DialoutPolicyEvents]: dialoutPolicySchemas().only('CallCleared'),
    [Topics.LicensingEvents]: licensingReportSchemas(),
    [Topics.PoolLedgerEvents]: poolLedgerReportSchemas(),
    [Topics.CreditWalletEvents]: creditWalletReportSchemas(),
    [Topics.TollFreeEvents]: tollFreeReportSchemas(),
  },
  route: () => null,
};
