import { Body, Controller, Get, Headers, Param, Post, Put, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { orProblem } from '@comms-credits/platform';
import { WalletCommands } from '../application/wallet.commands';
import { WalletQueries, WalletView } from '../application/wallet.queries';
import { requireIdempotencyKey } from './idempotency-key';
import { TenantIdPipe } from './tenant-id.pipe';
import {
  AutoRechargeRequest,
  FundingResponse,
  LotResponse,
  MoneyRequest,
  PaymentMethodRequest,
  TransactionPageResponse,
  TransactionsQuery,
  WalletResponse,
} from './wallet.dto';

@ApiTags('credit-wallet')
@Controller('tenants/:tenantId/wallet')
export class WalletController {
  constructor(
    private readonly commands: WalletCommands,
    private readonly queries: WalletQueries,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Balance, held and available money, and the auto-recharge settings' })
  @ApiOkResponse({ type: WalletResponse })
  wallet(@Param('tenantId', TenantIdPipe) tenantId: string): Promise<WalletView> {
    return this.queries.wallet(tenantId);
  }

  @Post('funds')
  @ApiOperation({ summary: 'Add funds: a lot spent first-in first-out, expiring 12 months later; once per Idempotency-Key' })
  @ApiHeader({ name: 'Idempotency-Key', required: true, description: 'a retried request with the same key adds the funds once and gets the same answer' })
  @ApiCreatedResponse({ type: FundingResponse })
  async addFunds(@Param('tenantId', TenantIdPipe) tenantId: string, @Headers('idempotency-key') key: string | undefined, @Body() body: MoneyRequest) {
    return orProblem(await this.commands.addFunds(tenantId, requireIdempotencyKey(key), { amount: body.amount, currency: body.currency }));
  }

  @Put('payment-method')
  @ApiOperation({ summary: 'Set the payment method for auto-recharge: a provider token, never a card number' })
  @ApiOkResponse({ type: WalletResponse })
  async setPaymentMethod(@Param('tenantId', TenantIdPipe) tenantId: string, @Body() body: PaymentMethodRequest) {
    orProblem(await this.commands.setPaymentMethod(tenantId, body.token));
    return this.queries.wallet(tenantId);
  }

  @Put('auto-recharge')
  @ApiOperation({ summary: 'Turn auto-recharge on (needs a payment method) or off; recharge when the balance falls below the trigger' })
  @ApiOkResponse({ type: WalletResponse })
  async configureAutoRecharge(@Param('tenantId', TenantIdPipe) tenantId: string, @Body() body: AutoRechargeRequest) {
    orProblem(await this.commands.configureAutoRecharge(tenantId, body));
    return this.queries.wallet(tenantId);
  }

  @Get('transactions')
  @ApiOperation({ summary: 'The ledger, newest first: funds, charges, holds, recharges, expiries, each with its call, cause, rate and lots' })
  @ApiOkResponse({ type: TransactionPageResponse })
  transactions(@Param('tenantId', TenantIdPipe) tenantId: string, @Query() query: TransactionsQuery) {
    return this.queries.transactionsOf(tenantId, query.limit, query.cursor, query.callId);
  }

  @Get('lots')
  @ApiOperation({ summary: 'Funding lots, in the order they are spent' })
  @ApiOkResponse({ type: [LotResponse] })
  lots(@Param('tenantId', TenantIdPipe) tenantId: string) {
    return this.queries.lots(tenantId);
  }
}
