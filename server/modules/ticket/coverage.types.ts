import { Field, ObjectType, registerEnumType } from 'type-graphql';
import { Money } from '../../common/money';
import { Coverage, QuoteStatus, TicketCategory, CATEGORY_INFO } from './coverage';

registerEnumType(TicketCategory, {
  name: 'TicketCategory',
  valuesConfig: Object.fromEntries(Object.entries(CATEGORY_INFO).map(([key, info]) => [key, { description: `${info.label}: ${info.hint}` }])),
});
registerEnumType(Coverage, {
  name: 'Coverage',
  valuesConfig: {
    COVERED: { description: 'Covered by the support plan; counts towards the ticket allowance.' },
    CUSTOM_DEVELOPMENT: { description: 'Custom development: quoted and billed separately; uses no allowance.' },
    OUTSIDE_AGREEMENT: { description: 'Server or other external configuration: not part of the agreement.' },
  },
});
registerEnumType(QuoteStatus, { name: 'QuoteStatus' });

@ObjectType({ description: 'A quote for custom development, which is billed separately.' })
export class Quote {
  @Field(() => Money) price!: Money;
  @Field(() => String, { nullable: true }) note!: string | null;
  @Field(() => QuoteStatus) status!: QuoteStatus;
}
