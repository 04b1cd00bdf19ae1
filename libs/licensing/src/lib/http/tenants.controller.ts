import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { OperatorOnly } from '@comms-credits/platform';
import { LicensingQueries, TenantView } from '../application/licensing.queries';

export class TenantResponse {
  @ApiProperty({ example: 'contoso' }) tenantId!: string;
  @ApiProperty({ description: 'users licensing knows' }) users!: number;
  @ApiProperty({ description: 'seats purchased, all SKUs together' }) seats!: number;
}

/**
 * The tenant directory for platform operators (the ops console's tenants page): every tenant
 * with a user or a subscription. A tenant's own admins never list other tenants.
 */
@ApiTags('licensing')
@Controller('tenants')
export class TenantsController {
  constructor(private readonly queries: LicensingQueries) {}

  @Get()
  @OperatorOnly()
  @ApiOperation({ summary: 'Every tenant licensing knows, with its users and seats (platform operators only)' })
  @ApiOkResponse({ type: [TenantResponse] })
  tenants(): Promise<TenantView[]> {
    return this.queries.tenants();
  }
}
