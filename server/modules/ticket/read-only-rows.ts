import { ReferenceKind, type EntityMetadata } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';

/**
 * Entity objects straight from SQL rows, for pages that are only read: no identity map, no
 * change-tracking snapshot, no hydrator. Each object is still an instance of its entity class
 * (its getters, e.g. the global id, and `instanceof` work, and the ORM takes it as a reference
 * if it is ever passed back in a filter), but its columns are plain own properties: a
 * prototype in between shadows the ORM's tracking setters.
 */
export interface RowMapper<T> {
  /** `alias.column as "prefix + column"` for every column but `skip` (property names). */
  columns(alias: string, prefix: string, skip?: ReadonlySet<string>): string;
  /** The object of a row's `prefix`ed columns. */
  read(row: Record<string, unknown>, prefix: string): T;
  /** An object holding only its id, like a reference the ORM has not loaded. */
  reference(id: string): T;
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
  // One reader per prefix, compiled once: the same assignments as a loop over the columns, but
  // each with its own property name, which V8 turns into fast stores (a loop's `object[name] =`
  // is a generic store per column and row: a page of 50 tickets with its edges is ~5,000).
  const readers = new Map<string, (row: Record<string, unknown>) => object>();
  const compile = (prefix: string) => {
    const statements = columns.map((c, i) => {
      const value = c.target ? `v === null ? null : referenceTo[${i}](v)` : c.date ? `typeof v === 'string' ? parseDate(v) : v` : 'v';
      return `v = row[${JSON.stringify(prefix + c.column)}]; if (v !== undefined) object[${JSON.stringify(c.property)}] = ${value};`;
    });
    const body = `return function read(row) {\n  const object = Object.create(prototype);\n  let v;\n  ${statements.join('\n  ')}\n  return object;\n};`;
    // Names and columns come from the entity metadata, quoted by JSON.stringify: nothing from a request.
    return new Function('prototype', 'parseDate', 'referenceTo', body)(prototype, parseDate, referenceTo) as (row: Record<string, unknown>) => object;
  };
  return {
    columns(alias, prefix, skip) {
      return columns
        .filter((c) => !skip?.has(c.property))
        .map((c) => `${alias}."${c.column}"${c.cast} as "${prefix}${c.column}"`)
        .join(', ');
    },
    read(row, prefix) {
      let read = readers.get(prefix);
      if (!read) readers.set(prefix, (read = compile(prefix)));
      return read(row);
    },
    reference(id) {
      const object = Object.create(prototype) as Record<string, unknown>;
      object[primaryKey] = id;
      return object;
    },
  };
}
