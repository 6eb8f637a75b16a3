// The module's allowlist (lib/operations.php) is generated from its .graphql operations, and those
// must match the API's schema.graphql.
import { describe, expect, it } from 'vitest';
import { collectOperations, operationsPhpIsCurrent, validateOperations } from '../../opencart-extension/scripts/operations';

describe('module operations', () => {
  it('lib/operations.php is up to date (run npm run oc:pack)', () => {
    expect(operationsPhpIsCurrent()).toBe(true);
  });

  it('match schema.graphql', () => {
    expect(validateOperations()).toEqual([]);
  });

  it('are named, with their fragments included', () => {
    const ops = collectOperations();
    expect(ops.map((o) => o.name)).toContain('TicketList');
    const list = ops.find((o) => o.name === 'TicketList')!;
    expect(list.document).toContain('fragment TicketSummary on Ticket');
    expect(ops.find((o) => o.name === 'Viewer')!.document).not.toContain('fragment');
  });
});
