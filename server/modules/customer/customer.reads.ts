import type { FieldReads } from '../../common/field-reads';

/** What each field of `Customer` reads, when a page joins the customer (field-reads.ts). */
export const CUSTOMER_FIELD_READS: FieldReads = {
  id: [],
  name: ['name'],
  email: ['email'],
  company: ['company'],
  storeUrl: ['storeUrl'],
  status: ['status'],
  createdAt: ['createdAt'],
  updatedAt: ['updatedAt'],
};
