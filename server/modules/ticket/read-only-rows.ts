import { ReferenceKind, type EntityMetadata } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { LRUCache } from 'lru-cache';

/**
 * Entity objects straight from SQL rows, for pages that are only read: no identity map, no
 * change-tracking snapshot, no hydrator. Each object is still an instance of its entity class
 * (its getters, e.g. the global id, and `instanceof` work, and the ORM takes it as a reference
 * if it is ever passed back in a filter), but its columns are plain own properties: a
 * prototype in between shadows the ORM's tracking setters.
 */
export interface RowMapper<T> {
  /**
   * The select list (`alias.column as "prefix + column"`) and the reader of a row's `prefix`ed
   * columns: every column, or only `properties` (the primary key always). A property left out
   * throws when read, so a field that reads more than it declared fails loudly, never shows
   * `undefined`.
   */
  select(alias: string, prefix: string, properties?: ReadonlySet<string> | null): RowSelection<T>;
  /** An object holding only its id, like a reference the ORM has not loaded. */
  reference(id: string): T;
}

export interface RowSelection<T> {
  sql: string;
  read(row: Record<string, unknown>): T;
}

/** A column a page did not read was asked for: the field's declared reads miss it. */
export class ColumnNotReadError extends Error {
  constructor(entity: string, property: string) {
    super(`${entity}.${property} was not read for this page: add it to the reads declared for the field that needs it`);
  }
}

interface Column {
  property: string;
  column: string;
  /** For many-to-one columns: the entity referred to, and its mapper once needed. */
  target?: string;
  targetMapper?: RowMapper<object>;
  /** Enum arrays come back as '{A,B}' unless cast to text[] (pg parses those). */
  cast: string;
  /** Timestamps come back as text (the ORM's connection parses them itself): parsed as the ORM does. */
  date?: boolean;
}

const mappersByMetadata = new WeakMap<object, Map<string, RowMapper<object>>>();

/**
 * Selections (and their prototypes) kept per entity, least recently used forgotten first. Each
 * set of columns a query's fields read is compiled once (~11 KB); pages ask a handful of sets,
 * but a client sending endless subsets of fields must not grow the heap without bound.
 */
export const SELECTIONS_KEPT = 500;

/** The mapper of an entity, built once per ORM (from its metadata) and kept. */
export function rowMapper<T extends object>(em: EntityManager, entity: new () => T): RowMapper<T> {
  return mapperByName(em, entity.name) as RowMapper<T>;
}

function mapperByName(em: EntityManager, name: string): RowMapper<object> {
  const metadata = em.getMetadata();
  let mappers = mappersByMetadata.get(metadata);
  if (!mappers) mappersByMetadata.set(metadata, (mappers = new Map()));
  let mapper = mappers.get(name);
  if (!mapper) mappers.set(name, (mapper = buildMapper(em, metadata.get(name))));
  return mapper;
}

function buildMapper(em: EntityManager, meta: EntityMetadata): RowMapper<object> {
  const columns: Column[] = [];
  for (const prop of meta.props) {
    if (prop.persist === false || prop.hidden || prop.fieldNames?.length !== 1) continue;
    if (prop.kind === ReferenceKind.SCALAR) {
      const columnType = prop.columnTypes?.[0] ?? '';
      const date = prop.runtimeType === 'Date' || prop.type === 'Date' || /^(timestamp|date)/.test(columnType);
      columns.push({ property: prop.name, column: prop.fieldNames[0]!, cast: columnType.endsWith('[]') ? '::text[]' : '', date });
    } else if (prop.kind === ReferenceKind.MANY_TO_ONE) {
      columns.push({ property: prop.name, column: prop.fieldNames[0]!, target: prop.type, cast: '' });
    }
  }
  const prototype = Object.create(meta.class.prototype as object) as object;
  for (const { property } of columns) {
    Object.defineProperty(prototype, property, { value: undefined, writable: true, enumerable: false, configurable: true });
  }
  const primaryKey = meta.primaryKeys[0]!;
  const platform = em.getPlatform();
  const parseDate = (text: string) => platform.parseDate(text);
  const referenceTo = columns.map((c) => (id: string) => (c.targetMapper ??= mapperByName(em, c.target!)).reference(id));
  /** Unread properties throw (a prototype per set of read properties, built once). */
  const partialPrototypes = new LRUCache<string, object>({ max: SELECTIONS_KEPT });
  const prototypeReading = (read: readonly Column[]) => {
    if (read.length === columns.length) return prototype;
    const key = read.map((c) => c.property).join(',');
    let partial = partialPrototypes.get(key);
    if (!partial) {
      partial = Object.create(prototype) as object;
      const names = new Set(key.split(','));
      for (const { property } of columns) {
        if (names.has(property)) continue;
        Object.defineProperty(partial, property, {
          get() {
            throw new ColumnNotReadError(meta.className, property);
          },
          // A write (a service updating a row it was handed) makes the value the object's own.
          set(this: object, value: unknown) {
            Object.defineProperty(this, property, { value, writable: true, enumerable: true, configurable: true });
          },
          enumerable: false,
          configurable: true,
        });
      }
      partialPrototypes.set(key, partial);
    }
    return partial;
  };
  // One reader per prefix and set of columns, compiled once: the same assignments as a loop over
  // the columns, but each with its own property name, which V8 turns into fast stores (a loop's
  // `object[name] =` is a generic store per column and row: a page of 50 tickets is thousands).
  const selections = new LRUCache<string, RowSelection<object>>({ max: SELECTIONS_KEPT });
  const compile = (prefix: string, read: readonly Column[]) => {
    const statements = read.map((c) => {
      const i = columns.indexOf(c);
      const value = c.target ? `v === null ? null : referenceTo[${i}](v)` : c.date ? `typeof v === 'string' ? parseDate(v) : v` : 'v';
      return `v = row[${JSON.stringify(prefix + c.column)}]; if (v !== undefined) object[${JSON.stringify(c.property)}] = ${value};`;
    });
    const body = `return function read(row) {\n  const object = Object.create(prototype);\n  let v;\n  ${statements.join('\n  ')}\n  return object;\n};`;
    // Names and columns come from the entity metadata, quoted by JSON.stringify: nothing from a request.
    return new Function('prototype', 'parseDate', 'referenceTo', body)(prototypeReading(read), parseDate, referenceTo) as (
      row: Record<string, unknown>,
    ) => object;
  };
  return {
    select(alias, prefix, properties) {
      const read = properties ? columns.filter((c) => c.property === primaryKey || properties.has(c.property)) : columns;
      const key = `${alias}|${prefix}|${read.length === columns.length ? '*' : read.map((c) => c.property).join(',')}`;
      let selection = selections.get(key);
      if (!selection) {
        selection = {
          sql: read.map((c) => `${alias}."${c.column}"${c.cast} as "${prefix}${c.column}"`).join(', '),
          read: compile(prefix, read),
        };
        selections.set(key, selection);
      }
      return selection;
    },
    reference(id) {
      const object = Object.create(prototype) as Record<string, unknown>;
      object[primaryKey] = id;
      return object;
    },
  };
}
