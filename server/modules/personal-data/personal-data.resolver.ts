import DataLoader from 'dataloader';
import { Arg, Authorized, Ctx, FieldResolver, Mutation, Resolver, Root } from 'type-graphql';
import type { AppContext } from '../../app/context';
import { Transactional } from '../../common/transaction';
import { Customer } from '../customer/customer.entity';
import { Role } from '../viewer/viewer';
import { CustomerErasure } from './customer-erasure.entity';
import { CustomerEraseInput, CustomerErasePayload } from './personal-data.types';

// One loader per request (keyed by the request's loaders): a page of customers asks once.
const loaders = new WeakMap<object, DataLoader<string, Date | null>>();
function erasedAtLoader(ctx: AppContext): DataLoader<string, Date | null> {
  let loader = loaders.get(ctx.loaders);
  if (!loader) {
    loader = new DataLoader(async (ids) => {
      const rows = await ctx.em.find(CustomerErasure, { customer: { $in: [...ids] } });
      const byId = new Map(rows.map((row) => [row.customer.id, row.erasedAt]));
      return ids.map((id) => byId.get(id) ?? null);
    });
    loaders.set(ctx.loaders, loader);
  }
  return loader;
}

@Resolver(() => Customer)
export class PersonalDataResolver {
  @FieldResolver(() => Date, { nullable: true, description: 'When the personal data was erased on request; the name and email are then a pseudonym.' })
  erasedAt(@Root() customer: Customer, @Ctx() ctx: AppContext) {
    return erasedAtLoader(ctx).load(customer.id);
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
