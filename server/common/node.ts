import { Field, ID, InterfaceType } from 'type-graphql';

@InterfaceType({
  description: 'An object with an opaque global ID, fetchable with `node(id:)`.',
  // The class, not its name: a GraphQL type may be named differently from its class (PlanSubscription).
  resolveType: (value: object) => value.constructor as never,
})
export abstract class Node {
  @Field(() => ID, { name: 'id', description: 'Opaque global ID.' })
  globalId!: string;
}
