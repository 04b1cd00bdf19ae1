import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { DIALOUT_POLICIES } from '@comms-credits/dialout-rules';
import { DialoutPolicyEntry } from './dialout-policy.dto';

@ApiTags('dialout-policy')
@Controller('dialout-policies')
export class DialoutPolicyCatalogueController {
  @Get()
  @ApiOperation({ summary: 'The 12 dial-out policies a tenant can grant, with their CPC and PSTN controls' })
  @ApiOkResponse({ type: [DialoutPolicyEntry] })
  list(): DialoutPolicyEntry[] {
    return DIALOUT_POLICIES.map(({ name, cpc, pstn, description }) => ({ name, cpc, pstn, description }));
  }
}
