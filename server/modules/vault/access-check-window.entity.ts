import { Entity, OneToOne, Property } from '@mikro-orm/core';
import { Customer } from '../customer/customer.entity';

/**
 * The login checks (`ticketAccessVerify`) counted in the current window for one customer's
 * stores. One row per customer, locked while a check is admitted, so that server processes
 * sharing the database share the count too.
 */
@Entity({ tableName: 'access_check_window' })
export class AccessCheckWindow {
  @OneToOne(() => Customer, { primary: true, owner: true, deleteRule: 'cascade' })
  customer!: Customer;

  @Property({ type: 'Date', columnType: 'timestamptz' })
  startedAt!: Date;

  @Property({ type: 'integer' })
  checks!: number;
}
