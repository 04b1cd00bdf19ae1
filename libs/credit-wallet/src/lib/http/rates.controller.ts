import { Body, Controller, Get, Headers, HttpCode, HttpStatus, Injectable, Param, PipeTransform, Put, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ProblemException, orProblem } from '@comms-credits/platform';
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

const OPERATOR = /^[\x21-\x7e]{1,128}$/;

/**
 * Who publishes. TODO(access control, domain.md "Who may do what"): only platform operators may
 * publish a rate card; take the actor from the authenticated principal and refuse anyone else.
 * Until there is authentication, the `X-Operator` header names them (else "operator").
 */
function publishedByOf(header: string | undefined): string {
  if (header === undefined) return 'operator';
  if (OPERATOR.test(header)) return header;
  throw ProblemException.invalid([{ name: 'X-Operator', reason: 'must be 1-128 visible ASCII characters' }]);
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
  @HttpCode(HttpStatus.CREATED)
  @ApiOperation({ summary: 'Publish a new version, effective in the future; a published version never changes (operators)' })
  @ApiHeader({ name: 'X-Operator', required: false, description: 'who publishes, until the API has authentication' })
  @ApiCreatedResponse({ type: RateCardVersionResponse })
  async publish(
    @Param('version', RateCardVersionPipe) version: string,
    @Body() body: RateCardRequest,
    @Headers('x-operator') operator: string | undefined,
  ): Promise<RateCardVersionSummary> {
    if (body.version !== version) throw ProblemException.invalid([{ name: 'version', reason: `the card's version ${body.version} is not the path's ${version}` }]);
    return orProblem(await this.commands.publish(cardOf(body), publishedByOf(operator)));
  }
}
