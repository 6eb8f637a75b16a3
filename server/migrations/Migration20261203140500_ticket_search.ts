import { Migration } from '@mikro-orm/migrations';

/**
 * Full-text search over tickets (English configuration): one row per ticket in `ticket_search`,
 * kept by triggers so every way of writing a ticket or a message (the API, bulk SQL, a merge, an
 * erasure) keeps it right. `document` is what the ticket's merchant may read (subject A,
 * description B, replies C); `internal_document` the internal notes, searched by staff only.
 * The text is cut at 100,000 characters per part so a huge log pasted in a reply can never
 * push a document past PostgreSQL's 1 MB tsvector limit and fail the write.
 */
export class Migration20261203140500_ticket_search extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "ticket_search" ("ticket_id" uuid not null, "document" tsvector not null, "internal_document" tsvector not null, constraint "ticket_search_pkey" primary key ("ticket_id"));`,
    );
    this.addSql(
      `alter table "ticket_search" add constraint "ticket_search_ticket_id_foreign" foreign key ("ticket_id") references "ticket" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(`create index "ticket_search_document_index" on "ticket_search" using gin ("document");`);
    this.addSql(`create index "ticket_search_internal_document_index" on "ticket_search" using gin ("internal_document");`);

    // Set-based (ids joined, not searched one by one in the array), so a bulk insert refreshes each ticket once. The rows are locked first: the
    // documents are then read from a snapshot that includes a concurrent writer's messages.
    this.addSql(`
create function ticket_search_refresh(ticket_ids uuid[]) returns void language plpgsql as $$
begin
  perform 1 from ticket_search s join unnest(ticket_ids) as changed(id) on s.ticket_id = changed.id order by s.ticket_id for update of s;
  insert into ticket_search (ticket_id, document, internal_document)
  select t.id,
    setweight(to_tsvector('english', left(t.subject, 100000)), 'A')
      || setweight(to_tsvector('english', left(coalesce(t.description, ''), 100000)), 'B')
      || setweight(to_tsvector('english', left(coalesce(m.replies, ''), 100000)), 'C'),
    to_tsvector('english', left(coalesce(m.notes, ''), 100000))
  from ticket t
  left join lateral (
    select string_agg(body, E'\\n' order by created_at, id) filter (where not internal) as replies,
           string_agg(body, E'\\n' order by created_at, id) filter (where internal) as notes
    from ticket_message where ticket_id = t.id
  ) m on true
  where t.id in (select distinct changed.id from unnest(ticket_ids) as changed(id))
  on conflict (ticket_id) do update set document = excluded.document, internal_document = excluded.internal_document;
end $$;`);
    this.addSql(`
create function ticket_search_from_tickets() returns trigger language plpgsql as $$
begin
  perform ticket_search_refresh(array(select id from changed_tickets));
  return null;
end $$;`);
    this.addSql(`
create function ticket_search_from_messages() returns trigger language plpgsql as $$
begin
  perform ticket_search_refresh(array(select distinct ticket_id from changed_messages));
  return null;
end $$;`);
    this.addSql(`
create function ticket_search_from_changed_ticket() returns trigger language plpgsql as $$
begin
  perform ticket_search_refresh(array[new.id]);
  return null;
end $$;`);
    this.addSql(`
create function ticket_search_from_changed_message() returns trigger language plpgsql as $$
begin
  perform ticket_search_refresh(array[new.ticket_id, old.ticket_id]);
  return null;
end $$;`);
    // New rows by statement (bulk inserts refresh once); changes by row, only when searched text changes.
    this.addSql(
      `create trigger ticket_search_insert after insert on ticket referencing new table as changed_tickets for each statement execute function ticket_search_from_tickets();`,
    );
    this.addSql(
      `create trigger ticket_search_update after update of subject, description on ticket for each row when (old.subject is distinct from new.subject or old.description is distinct from new.description) execute function ticket_search_from_changed_ticket();`,
    );
    this.addSql(
      `create trigger ticket_search_message_insert after insert on ticket_message referencing new table as changed_messages for each statement execute function ticket_search_from_messages();`,
    );
    this.addSql(
      `create trigger ticket_search_message_delete after delete on ticket_message referencing old table as changed_messages for each statement execute function ticket_search_from_messages();`,
    );
    this.addSql(
      `create trigger ticket_search_message_update after update of body, internal, ticket_id on ticket_message for each row when (old.body is distinct from new.body or old.internal is distinct from new.internal or old.ticket_id is distinct from new.ticket_id) execute function ticket_search_from_changed_message();`,
    );

    this.addSql(`select ticket_search_refresh(array(select id from ticket));`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop trigger ticket_search_message_update on ticket_message;`);
    this.addSql(`drop trigger ticket_search_message_delete on ticket_message;`);
    this.addSql(`drop trigger ticket_search_message_insert on ticket_message;`);
    this.addSql(`drop trigger ticket_search_update on ticket;`);
    this.addSql(`drop trigger ticket_search_insert on ticket;`);
    this.addSql(`drop function ticket_search_from_changed_message();`);
    this.addSql(`drop function ticket_search_from_changed_ticket();`);
    this.addSql(`drop function ticket_search_from_messages();`);
    this.addSql(`drop function ticket_search_from_tickets();`);
    this.addSql(`drop function ticket_search_refresh(uuid[]);`);
    this.addSql(`drop table "ticket_search";`);
  }
}
