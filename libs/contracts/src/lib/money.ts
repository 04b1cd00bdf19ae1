import { IsIn, Matches } from 'class-validator';

/** Currencies the wallet keeps (ISO 4217); each tenant's wallet has exactly one. */
export const CURRENCIES = ['USD', 'EUR', 'GBP', 'CAD', 'AUD', 'JPY', 'CHF'] as const;
export type Currency = (typeof CURRENCIES)[number];

/** A decimal string with up to the currency's minor units, e.g. `"20.00"`, `"-0.35"`. */
export const DECIMAL_AMOUNT = /^-?\d{1,12}(\.\d{1,6})?$/;

/** Money on the wire: a decimal string and a currency, never a float (design.md). */
export class MoneyV1 {
  @Matches(DECIMAL_AMOUNT, { message: 'amount must be a decimal string such as "20.00"' })
  amount!: string;

  @IsIn(CURRENCIES)
  currency!: Currency;
}

export interface Money {
  amount: string;
  currency: Currency;
}
