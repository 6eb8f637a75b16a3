import type { EntityManager } from '@mikro-orm/postgresql';
import type { DateTime } from 'luxon';
import { requireId } from '../../common/access';
import { issueToken, MERCHANT_KEY_PREFIX } from '../../common/tokens';
import { DomainError, UserErrorCode } from '../../common/user-error';
import { audit } from '../audit/audit';
import { Customer, CustomerStatus } from '../customer/customer.entity';
import { customerOwnedScope } from '../viewer/owner.scope';
import { isAdmin, isCustomer, type Viewer } from '../viewer/viewer';
import { MerchantApiKey } from './merchant-api-key.entity';
import type { MerchantApiKeyCreateInput, MerchantApiKeyRevokeInput } from './merchant-api-key.types';

/** The API keys the OpenCart module signs in with. A key acts as its merchant. */
export class MerchantKeyService {
  constructor(
    private readonly em: EntityManager,
    private readonly deps: { viewer: Viewer; now: DateTime },
  ) {}

  async create(input: MerchantApiKeyCreateInput): Promise<{ apiKey: MerchantApiKey; token: string }> {
    const { viewer } = this.deps;
    let customerId: string;
    if (isCustomer(viewer)) {
      if (input.customerId && requireId(input.customerId, 'Customer', ['input', 'customerId']) !== viewer.customerId) {
        throw DomainError.of(UserErrorCode.NOT_FOUND, 'No Customer with this ID.', ['input', 'customerId']);
      }
      customerId = viewer.customerId;
    } else {
      // A key acts as the merchant (accepting quotes, giving access): only an admin may mint one.
      if (!isAdmin(viewer)) throw DomainError.of(UserErrorCode.FORBIDDEN, 'Only admins issue API keys for a merchant.', ['input', 'customerId']);
      customerId = requireId(input.customerId, 'Customer', ['input', 'customerId']);
    }
    const customer = await this.em.findOne(Customer, { id: customerId });
    if (!customer) throw DomainError.of(UserErrorCode.NOT_FOUND, 'No Customer with this ID.', ['input', 'customerId']);
    if (customer.status === CustomerStatus.BANNED) throw DomainError.of(UserErrorCode.BANNED, 'This customer is banned permanently.', ['input', 'customerId']);
    const issued = issueToken(MERCHANT_KEY_PREFIX);
    const now = this.deps.now.toJSDate();
    const apiKey = this.em.create(MerchantApiKey, {
      customer,
      name: input.name.trim(),
      tokenHash: issued.hash,
      prefix: issued.prefix,
      createdAt: now,
      updatedAt: now,
    });
    audit(this.em, viewer, { customerId, action: 'API_KEY_CREATED', details: { apiKeyId: apiKey.id, prefix: issued.prefix } });
    return { apiKey, token: issued.token };
  }

  async revoke(input: MerchantApiKeyRevokeInput): Promise<MerchantApiKey> {
    const { viewer } = this.deps;
    const id = requireId(input.apiKeyId, 'MerchantApiKey', ['input', 'apiKeyId']);
    // A merchant's keys are the merchant's and the admin's, as minting them is.
    if (!isCustomer(viewer) && !isAdmin(viewer)) {
      throw DomainError.of(UserErrorCode.FORBIDDEN, "Only admins revoke a merchant's API keys.", ['input', 'apiKeyId']);
    }
    const scope = customerOwnedScope(viewer);
    const apiKey = scope && (await this.em.findOne(MerchantApiKey, { $and: [scope, { id }] }));
    if (!apiKey) throw DomainError.of(UserErrorCode.NOT_FOUND, 'No MerchantApiKey with this ID.', ['input', 'apiKeyId']);
    if (!apiKey.revokedAt) {
      apiKey.revokedAt = this.deps.now.toJSDate();
      audit(this.em, viewer, { customerId: apiKey.customer.id, action: 'API_KEY_REVOKED', details: { apiKeyId: id, prefix: apiKey.prefix } });
    }
    return apiKey;
  }
}
