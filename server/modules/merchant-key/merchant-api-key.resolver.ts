import { Arg, Authorized, Ctx, Mutation, Resolver } from 'type-graphql';
import type { AppContext } from '../../app/context';
import { Transactional } from '../../common/transaction';
import { MerchantApiKey } from './merchant-api-key.entity';
import { MerchantApiKeyCreateInput, MerchantApiKeyPayload, MerchantApiKeyRevokeInput } from './merchant-api-key.types';

export { MerchantApiKeyCreateInput, MerchantApiKeyPayload, MerchantApiKeyRevokeInput } from './merchant-api-key.types';

@Resolver(() => MerchantApiKey)
export class MerchantApiKeyResolver {
  @Authorized()
  @Mutation(() => MerchantApiKeyPayload, {
    description: 'Issue an API key for the OpenCart module (a merchant for itself, or an admin). The secret is returned once.',
  })
  @Transactional(MerchantApiKeyPayload)
  merchantApiKeyCreate(@Arg('input', () => MerchantApiKeyCreateInput) input: MerchantApiKeyCreateInput, @Ctx() ctx: AppContext) {
    return ctx.services.merchantKeys.create(input);
  }

  @Authorized()
  @Mutation(() => MerchantApiKeyPayload, { description: "Revoke a key at once: a merchant its own keys, an admin any merchant's." })
  @Transactional(MerchantApiKeyPayload, { into: 'apiKey' })
  merchantApiKeyRevoke(@Arg('input', () => MerchantApiKeyRevokeInput) input: MerchantApiKeyRevokeInput, @Ctx() ctx: AppContext) {
    return ctx.services.merchantKeys.revoke(input);
  }
}
