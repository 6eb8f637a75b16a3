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
  // The row's keys per prefix, built once rather than per row and column.
  const keysByPrefix = new Map<string, string[]>();
  return {
    columns(alias, prefix, skip) {
      return columns
        .filter((c) => !skip?.has(c.property))
        .map((c) => `${alias}."${c.column}"${c.cast} as "${prefix}${c.column}"`)
        .join(', ');
    },
    read(row, prefix) {
      const object = Object.create(prototype) as Record<string, unknown>;
      let keys = keysByPrefix.get(prefix);
      if (!keys) keysByPrefix.set(prefix, (keys = columns.map((c) => prefix + c.column)));
      for (let i = 0; i < columns.length; i += 1) {
        const c = columns[i]!;
        const value = row[keys[i]!];
        if (value === undefined) continue;
        if (c.target) object[c.property] = value === null ? null : (c.targetMapper ??= mapperByName(em, c.target)).reference(value as string);
        else object[c.property] = c.date && typeof value === 'string' ? platform.parseDate(value) : value;
      }
      return object;
    },
    reference(id) {
      const object = Object.create(prototype) as Record<string, unknown>;
      object[primaryKey] = id;
      return object;
    },
  };
}
