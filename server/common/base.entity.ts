import { randomUUID } from 'node:crypto';
import { OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
import { Field, ObjectType } from 'type-graphql';

/** Fields every row has; subclasses add their defaulted properties to OptionalProps. */
export type BaseOptional = 'globalId' | 'createdAt' | 'updatedAt';

// Registered so its fields are inherited; never referenced, so it stays out of the schema.
@ObjectType()
export abstract class BaseEntity<Optional extends string = never> {
  [OptionalProps]?: BaseOptional | Optional;

  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Field(() => Date)
  @Property({ type: 'Date', columnType: 'timestamptz', defaultRaw: 'now()' })
  createdAt: Date = new Date();

  @Field(() => Date)
  @Property({ type: 'Date', columnType: 'timestamptz', defaultRaw: 'now()', onUpdate: () => new Date() })
  updatedAt: Date = new Date();
}
