import { Arg, Authorized, Ctx, FieldResolver, Mutation, Resolver, Root } from 'type-graphql';
import type { AppContext } from '../../app/context';
import { Transactional } from '../../common/transaction';
import { Customer } from '../customer/customer.entity';
import { Role } from '../viewer/viewer';
import { CustomerEraseInput, CustomerErasePayload } from './personal-data.types';

@Resolver(() => Customer)
export class PersonalDataResolver {
  @FieldResolver(() => Date, { nullable: true, description: 'When the personal data was erased on request; the name and email are then a pseudonym.' })
  erasedAt(@Root() customer: Customer, @Ctx() ctx: AppContext) {
    return ctx.loaders.erasedAt.load(customer.id);
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => CustomerErasePayload, {
    description:
      "Admins: erase a customer's personal data on request (README, Personal data). Names, emails, store URLs, message text, files and store details go; the audit trail, refunds' accounting facts and a ban stay. Cannot be undone.",
  })
  @Transactional(CustomerErasePayload)
  customerErase(@Arg('input', () => CustomerEraseInput) input: CustomerEraseInput, @Ctx() ctx: AppContext) {
    return ctx.services.erasure.erase(input);
  }
}
