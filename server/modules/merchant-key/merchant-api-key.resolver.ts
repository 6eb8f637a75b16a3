import { IsOptional, Length } from 'class-validator';
import { Arg, Authorized, Ctx, Field, ID, InputType, Mutation, ObjectType, Resolver } from 'type-graphql';
import type { AppContext } from '../../app/context';
import { requireId } from '../../common/access';
import { runMutation } from '../../common/mutation';
import { issueToken, MERCHANT_KEY_PREFIX } from '../../common/tokens';
import { DomainError, UserError, UserErrorCode } from '../../common/user-error';
import { audit } from '../audit/audit';
import { Customer, CustomerStatus } from '../customer/customer.entity';
import { isAdmin, isCustomer } from '../viewer/viewer';
import { MerchantApiKey } from './merchant-api-key.entity';

@InputType()
export class MerchantApiKeyCreateInput {
  @Field(() => ID, { nullable: true, description: 'Staff: the customer to issue a key for. Merchants issue keys for themselves.' })
  @IsOptional()
  customerId?: string | null;

  @Field(() => String, { description: 'A label, e.g. "Main store admin".' })
  @Length(1, 120, { message: 'name must be 1 to 120 characters' })
  name!: string;
}

@InputType()
export class MerchantApiKeyRevokeInput {
  @Field(() => ID)
  apiKeyId!: string;
}

@ObjectType()
export class MerchantApiKeyPayload {
  @Field(() => MerchantApiKey, { nullable: true })
  apiKey?: MerchantApiKey | null;

  @Field(() => String, { nullable: true, description: 'The secret key. Shown only in this response: store it now.' })
  token?: string | null;

  @Field(() => [UserError])
  userErrors: UserError[] = [];
}

@Resolver(() => MerchantApiKey)
export class MerchantApiKeyResolver {
  @Authorized()
  @Mutation(() => MerchantApiKeyPayload, {
    description: 'Issue an API key for the OpenCart module (a merchant for itself, or an admin). The secret is returned once.',
  })
  merchantApiKeyCreate(@Arg('input', () => MerchantApiKeyCreateInput) input: MerchantApiKeyCreateInput, @Ctx() ctx: AppContext) {
    return runMutation(ctx.em, () => new MerchantApiKeyPayload(), async (em) => {
      let customerId: string;
      if (isCustomer(ctx.viewer)) {
        if (input.customerId && requireId(input.customerId, 'Customer', ['input', 'customerId']) !== ctx.viewer.customerId) {
          throw DomainError.of(UserErrorCode.NOT_FOUND, 'No Customer with this ID.', ['input', 'customerId']);
        }
        customerId = ctx.viewer.customerId;
      } else {
        // A key acts as the merchant (accepting quotes, giving access): only an admin may mint one.
        if (!isAdmin(ctx.viewer)) throw DomainError.of(UserErrorCode.FORBIDDEN, 'Only admins issue API keys for a merchant.', ['input', 'customerId']);
        customerId = requireId(input.customerId, 'Customer', ['input', 'customerId']);
      }
      const customer = await em.findOne(Customer, { id: customerId });
      if (!customer) throw DomainError.of(UserErrorCode.NOT_FOUND, 'No Customer with this ID.', ['input', 'customerId']);
      if (customer.status === CustomerStatus.BANNED) throw DomainError.of(UserErrorCode.BANNED, 'This customer is banned permanently.', ['input', 'customerId']);
      const issued = issueToken(MERCHANT_KEY_PREFIX);
      const now = ctx.clock().toJSDate();
      const apiKey = em.create(MerchantApiKey, { customer, name: input.name.trim(), tokenHash: issued.hash, prefix: issued.prefix, createdAt: now, updatedAt: now });
      audit(em, ctx.viewer, { customerId, action: 'API_KEY_CREATED', details: { apiKeyId: apiKey.id, prefix: issued.prefix } });
      return { apiKey, token: issued.token };
    });
  }

  @Authorized()
  @Mutation(() => MerchantApiKeyPayload, { description: "Revoke a key at once: a merchant its own keys, an admin any merchant's." })
  merchantApiKeyRevoke(@Arg('input', () => MerchantApiKeyRevokeInput) input: MerchantApiKeyRevokeInput, @Ctx() ctx: AppContext) {
    return runMutation(ctx.em, () => new MerchantApiKeyPayload(), async (em) => {
      const id = requireId(input.apiKeyId, 'MerchantApiKey', ['input', 'apiKeyId']);
      // A merchant's keys are the merchant's and the admin's, as minting them is.
      if (!isCustomer(ctx.viewer) && !isAdmin(ctx.viewer)) {
        throw DomainError.of(UserErrorCode.FORBIDDEN, "Only admins revoke a merchant's API keys.", ['input', 'apiKeyId']);
      }
      const where = isCustomer(ctx.viewer) ? { id, customer: ctx.viewer.customerId } : { id };
      const apiKey = await em.findOne(MerchantApiKey, where);
      if (!apiKey) throw DomainError.of(UserErrorCode.NOT_FOUND, 'No MerchantApiKey with this ID.', ['input', 'apiKeyId']);
      if (!apiKey.revokedAt) {
        apiKey.revokedAt = ctx.clock().toJSDate();
        audit(em, ctx.viewer, { customerId: apiKey.customer.id, action: 'API_KEY_REVOKED', details: { apiKeyId: id, prefix: apiKey.prefix } });
      }
      return { apiKey };
    });
  }
}
