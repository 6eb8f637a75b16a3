import { Field, ID, InterfaceType } from 'type-graphql';

@InterfaceType({
  description: 'An object with an opaque global ID, fetchable with `node(id:)`.',
  resolveType: (value: object) => value.constructor.name,
})
export abstract class Node {
  @Field(() => ID, { name: 'id', description: 'Opaque global ID.' })
  globalId!: string;
}
