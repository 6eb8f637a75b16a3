import { Field, Int, ObjectType } from 'type-graphql';

/** Money in integer minor units (cents) with its ISO 4217 currency: never floats. */
@ObjectType({ description: 'An amount of money in integer minor units (e.g. cents) with its currency.' })
export class Money {
  @Field(() => Int, { description: 'Amount in minor units, e.g. 4900 for 49.00.' })
  amount!: number;

  @Field(() => String, { description: 'ISO 4217 currency code, e.g. USD.' })
  currencyCode!: string;

  @Field(() => String, { description: 'The amount formatted for display in English, e.g. $49.00.' })
  get formatted(): string {
    const digits = new Intl.NumberFormat('en-US', { style: 'currency', currency: this.currencyCode }).resolvedOptions().maximumFractionDigits ?? 2;
    return new Intl.NumberFormat('en-US', { style: 'currency', currency: this.currencyCode }).format(this.amount / 10 ** digits);
  }

  static of(amount: number, currencyCode: string): Money {
    return Object.assign(new Money(), { amount, currencyCode });
  }
}
