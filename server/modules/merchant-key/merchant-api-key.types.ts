import { IsOptional, Length } from 'class-validator';
import { Field, ID, InputType, ObjectType } from 'type-graphql';
import { UserError } from '../../common/user-error';
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
