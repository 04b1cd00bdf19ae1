import { Module } from '@nestjs/common';
import { CallLogModule } from '@comms-credits/call-log';
import { SERVICE_CONFIG } from '@comms-credits/platform';
import { RateBooks } from './application/rate-books';
import { RateCardCommands } from './application/rate-cards.commands';
import { RechargeWorker } from './application/recharge.worker';
import { WALLET_POLICY, WalletLedger } from './application/wallet.ledger';
import { WalletCommands } from './application/wallet.commands';
import { WalletQueries } from './application/wallet.queries';
import { CreditWalletConfig, walletPolicyOf } from './credit-wallet.config';
import { RateTable } from './domain/rate-card';
import { RatesController } from './http/rates.controller';
import { WalletController } from './http/wallet.controller';
import { WalletFundingConsumer } from './messaging/wallet-funding.consumer';
import { PaymentGateway } from './payments/payment-gateway.port';
import { SandboxPaymentGateway } from './payments/sandbox-payment-gateway.adapter';
import { loadRateCard } from './rates/rate-card.loader';

@Module({
  imports: [CallLogModule],
  controllers: [WalletController, RatesController, WalletFundingConsumer],
  providers: [
    // The configured card (bundled, or WALLET_RATE_CARD): the rate book's first version, published at the
    // first start; its currency is the wallets'. A bad card stops the service at start-up, with every
    // problem named. Calls are priced by the version in force when they started (RateBooks).
    { provide: RateTable, inject: [SERVICE_CONFIG], useFactory: (config: CreditWalletConfig) => new RateTable(loadRateCard(config.WALLET_RATE_CARD)) },
    { provide: WALLET_POLICY, inject: [SERVICE_CONFIG], useFactory: walletPolicyOf },
    {
      provide: PaymentGateway,
      inject: [SERVICE_CONFIG],
      useFactory: (config: CreditWalletConfig) => new SandboxPaymentGateway({ delayMs: config.WALLET_SANDBOX_DELAY_MS }),
    },
    RateBooks,
    RateCardCommands,
    WalletLedger,
    WalletCommands,
    WalletQueries,
    RechargeWorker,
  ],
})
export class CreditWalletModule {}
