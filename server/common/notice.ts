import { Field, ObjectType } from 'type-graphql';

@ObjectType({ description: 'Something the merchant should know about what just happened; not an error.' })
export class Notice {
  @Field(() => String, { description: 'e.g. NOT_ENGLISH, ACCESS_REQUIRED, FIX_NOT_GUARANTEED.' })
  code!: string;

  @Field(() => String)
  message!: string;
}

export function notice(code: string, message: string): Notice {
  return { code, message };
}
