import type { FieldNode, GraphQLResolveInfo, SelectionSetNode } from 'graphql';
import { Kind } from 'graphql';

/**
 * What each GraphQL field of a type reads of its entity's columns (property names), so a page
 * reads only the columns its query shows. A field that is not listed reads the whole row: a
 * new field is correct before it is declared, and only faster once it is.
 */
export type FieldReads = Readonly<Record<string, readonly string[]>>;

/** The fields selected under `nodes`, fragments included (their type conditions are not checked: one type here). */
export function fieldsUnder(nodes: readonly FieldNode[], info: GraphQLResolveInfo): Map<string, FieldNode[]> {
  const into = new Map<string, FieldNode[]>();
  const visit = (set: SelectionSetNode | undefined) => {
    for (const selection of set?.selections ?? []) {
      if (selection.kind === Kind.FIELD) {
        const same = into.get(selection.name.value);
        if (same) same.push(selection);
        else into.set(selection.name.value, [selection]);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) visit(selection.selectionSet);
      else visit(info.fragments[selection.name.value]?.selectionSet);
    }
  };
  for (const node of nodes) visit(node.selectionSet);
  return into;
}

/**
 * The properties the selected fields read, with `always` (keys, what scopes and orderings
 * need); null when one of them is not declared: read the whole row.
 */
export function propertiesRead(reads: FieldReads, fields: Iterable<string>, always: readonly string[] = []): Set<string> | null {
  const properties = new Set(always);
  for (const field of fields) {
    if (field === '__typename') continue;
    const read = reads[field];
    if (!read) return null;
    for (const property of read) properties.add(property);
  }
  return properties;
}

/**
 * Objects a page read and joined to the row that shows them (its customer, subscription and
 * plan, assignee): their field resolvers use them as they are. They are never put in the
 * request's loaders, which hold the ORM's own entities: code that follows an entity's
 * references (a subscription's plan, say) needs those, and another part of the query may ask a
 * partly read object for more.
 */
export const joinedByPage = new WeakSet<object>();
