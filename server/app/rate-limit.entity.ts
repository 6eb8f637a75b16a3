import { BigIntType, Entity, PrimaryKey, Property } from '@mikro-orm/core';

/**
 * A row of the rate limits' store, written only by rate-limiter-flexible (server/app/rate-limit.ts).
 * Mapped so that schema diffs know the table; never exposed through the API.
 */
@Entity({ tableName: 'rate_limit' })
export class RateLimitWindow {
  /** The limiter's prefix and the caller: a token's hash or a client address, never a token. */
  @PrimaryKey({ type: 'string', length: 255 })
  key!: string;

  @Property({ type: 'integer', default: 0 })
  points: number = 0;

  /** Epoch milliseconds when the window ends. */
  @Property({ type: new BigIntType('string'), nullable: true })
  expire?: string | null;
}
