import { TicketCategory } from '../sdk/generated';
import type { Merchant, TestApp } from './test-app';

/** A raw GraphQL call that fails the test on any top-level error, returning `data`. */
export async function gql<T = any>(app: TestApp, token: string, query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const { status, body } = await app.raw(query, variables, token);
  if (status !== 200 || body.errors?.length) throw new Error(`GraphQL failed (${status}): ${JSON.stringify(body.errors)}`);
  return body.data as T;
}

/** A ticket filed by the merchant, with access waived by an admin so its clock runs. */
export async function fileTicket(
  app: TestApp,
  merchant: Merchant,
  input: { subject?: string; description?: string; category?: TicketCategory } = {},
): Promise<{ id: string; number: string }> {
  const created = await merchant.sdk.TicketCreate({
    input: {
      subject: input.subject ?? 'Checkout is blank',
      description: input.description ?? 'Guests paying with PayPal see a blank page after checkout.',
      category: input.category ?? TicketCategory.BugFix,
    },
  });
  const ticket = created.ticketCreate.ticket;
  if (!ticket) throw new Error(JSON.stringify(created.ticketCreate.userErrors));
  await app.admin.TicketAccessWaive({ input: { ticketId: ticket.id, reason: 'Credentials checked by phone.' } });
  return { id: ticket.id, number: ticket.number };
}
