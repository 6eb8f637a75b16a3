import { Field, ObjectType, registerEnumType } from 'type-graphql';

export enum ViewerKind {
  ANONYMOUS = 'ANONYMOUS',
  CUSTOMER = 'CUSTOMER',
  AGENT = 'AGENT',
  ADMIN = 'ADMIN',
}
registerEnumType(ViewerKind, { name: 'ViewerKind', description: 'What the bearer token is: none, a merchant API key, or a staff token.' });

@ObjectType('Viewer', { description: 'Who is calling.' })
export class ViewerInfo {
  @Field(() => ViewerKind)
  kind!: ViewerKind;
}
