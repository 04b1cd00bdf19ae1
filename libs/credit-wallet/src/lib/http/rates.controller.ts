import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { RateCard, RateTable } from '../domain/rate-card';
import { RateCardResponse } from './wallet.dto';

@ApiTags('rates')
@Controller('rates')
export class RatesController {
  constructor(private readonly rates: RateTable) {}

  @Get()
  @ApiOperation({ summary: 'The rate card in force: per-minute rates and connection fees by country, billing increments' })
  @ApiOkResponse({ type: RateCardResponse })
  rateCard(): RateCard {
    return this.rates.card;
  }
}
