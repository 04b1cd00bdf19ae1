import type { DynamicModule, Type } from '@nestjs/common';
import type { SchemaRegistry } from '@comms-credits/contracts';
import type { Projection } from '@comms-credits/event-store';
import type { EventRouter } from '@comms-credits/messaging';
import type { ServiceConfig } from './config';

/** Everything the platform needs to know to run one service. */
export interface ServiceDefinition<C extends ServiceConfig = ServiceConfig> {
  /** `licensing`, `pool-ledger`, …: names the consumer group, the database and the logs. */
  name: string;
  /** For the OpenAPI page. */
  title: string;
  description: string;
  defaultPort: number;
  /** A subclass of ServiceConfig when the service has settings of its own. */
  configSchema?: new () => C;
  /** The service's feature module: controllers, handlers, read-model queries. */
  module: Type<unknown> | DynamicModule;
  /** TypeORM migrations: the event store's first, then the service's read models. */
  migrations: Function[];
  /** Inline projections run in the transaction of each append. */
  projections: Projection[];
  /** The topics the service consumes and the schemas of each. */
  consumes: Record<string, SchemaRegistry>;
  /** Which stored events are published, and where. */
  route: EventRouter;
}

export const SERVICE_CONFIG = Symbol('SERVICE_CONFIG');
export const SERVICE_DEFINITION = Symbol('SERVICE_DEFINITION');
export const KAFKA = Symbol('KAFKA');
