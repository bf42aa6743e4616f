-- Database objects every install needs; idempotent (run by `make db-init`).
set client_min_messages = warning;
create extension if not exists postgis;

create schema if not exists raw;
create schema if not exists staging;
create schema if not exists intermediate;
create schema if not exists marts;
create schema if not exists audit;

-- Roles. LOGIN so a DBA only has to set a password (local cluster: trust on 127.0.0.1).
do $$
begin
    if not exists (select 1 from pg_roles where rolname = 'loader') then
        create role loader login;
    end if;
    if not exists (select 1 from pg_roles where rolname = 'transformer') then
        create role transformer login;
    end if;
    if not exists (select 1 from pg_roles where rolname = 'bi_reader') then
        create role bi_reader login;
    end if;
end
$$;

-- loader: writes raw only.
grant usage, create on schema raw to loader;
-- transformer: reads raw, builds everything downstream.
grant usage on schema raw to transformer;
grant select on all tables in schema raw to transformer;
alter default privileges in schema raw grant select on tables to transformer;
grant usage, create on schema staging, intermediate, marts, audit to transformer;
-- bi_reader: public marts only; nothing in raw, staging, intermediate or audit.
revoke all on schema raw, staging, intermediate, audit from bi_reader;
grant usage on schema marts to bi_reader;
grant select on all tables in schema marts to bi_reader;
alter default privileges in schema marts grant select on tables to bi_reader;
revoke create on schema public from public;
