import { Body, Controller, Get, HttpCode, HttpStatus, Injectable, Param, PipeTransform, Put, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, OperatorOnly, Principal, ProblemException, orProblem } from '@comms-credits/platform';
import { RateBooks, cardOf } from '../application/rate-books';
import { RateCardCommands } from '../application/rate-cards.commands';
import { RateCardVersionSummary } from '../domain/rate-book';
import { RateCard } from '../domain/rate-card';
import { RATE_CARD_VERSION } from '../rates/rate-card.schema';
import { RateCardRequest, RateCardVersionResponse, RatesQuery } from './rates.dto';
import { RateCardResponse } from './wallet.dto';

/** A version in the path: the same shape as in the card. */
@Injectable()
export class RateCardVersionPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (RATE_CARD_VERSION.test(value)) return value;
    throw ProblemException.invalid([{ name: 'version', reason: 'must look like 2027-01 (or 2027-01.2)' }]);
  }
}

/**
 * Who publishes: the authenticated operator (`sub` of the token). The access guard runs first and
 * lets only operators through (`@OperatorOnly`), so a request here without one is a wiring bug.
 */
function publishedByOf(who: Principal | undefined): string {
  if (!who) throw new Error('PUT /rates/{version} reached without a principal: the access guard must run first');
  return who.sub;
}

@ApiTags('rates')
@Controller('rates')
export class RatesController {
  constructor(
    private readonly rateBooks: RateBooks,
    private readonly commands: RateCardCommands,
  ) {}

  // Reads bypass the pricing cache: an operator sees a version the moment it is stored, on any instance.
  @Get()
  @ApiOperation({ summary: 'The rate card in force now, or at `at`: per-minute rates and connection fees by country, billing increments' })
  @ApiOkResponse({ type: RateCardResponse })
  async rateCard(@Query() query: RatesQuery): Promise<RateCard> {
    return (await this.rateBooks.load()).inForceAt(query.at ?? new Date().toISOString()).card;
  }

  @Get('versions')
  @ApiOperation({ summary: 'Every version of the rate card, in the order they take effect' })
  @ApiOkResponse({ type: [RateCardVersionResponse] })
  async versions(): Promise<RateCardVersionSummary[]> {
    return (await this.rateBooks.load()).versions();
  }

  @Put(':version')
  @OperatorOnly()
  @HttpCode(HttpStatus.CREATED)
  @ApiOperation({ summary: 'Publish a new version, effective in the future; a published version never changes (platform operators only)' })
  @ApiCreatedResponse({ type: RateCardVersionResponse })
  async publish(
    @Param('version', RateCardVersionPipe) version: string,
    @Body() body: RateCardRequest,
    @CurrentPrincipal() who: Principal | undefined,
  ): Promise<RateCardVersionSummary> {
    if (body.version !== version)
      throw ProblemException.invalid([{ name: 'version', reason: `the card's version ${body.version} is not the path's ${version}` }]);
    return orProblem(await this.commands.publish(cardOf(body), publishedByOf(who)));
  }
}
