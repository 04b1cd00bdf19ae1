import { Injectable, PipeTransform } from '@nestjs/common';
import { TENANT_ID } from '@comms-credits/contracts';
import { ProblemException } from '@comms-credits/platform';

/**
 * A tenant id path parameter: it becomes the wallet's stream id and the `tenantId` of every
 * event the wallet publishes, so it must be one the contract's envelope accepts.
 */
@Injectable()
export class TenantIdPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (TENANT_ID.test(value)) return value;
    throw ProblemException.invalid([{ name: 'tenantId', reason: 'must be 1-128 URL-safe characters (letters, digits, . _ -)' }]);
  }
}
