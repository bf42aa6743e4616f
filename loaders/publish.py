"""Safe publication of the public marts: build into `marts_next`, swap schemas in one transaction.

`dbt build --vars '{marts_schema: marts_next}'` builds and tests every mart in the schema
`marts_next` (macros/generate_schema_name.sql); only when the build and all its tests passed does
`swap()` run, in ONE transaction:

    drop schema marts_prev cascade            -- the generation before last
    alter schema marts      rename to marts_prev
    alter schema marts_next rename to marts
    grants of marts_prev copied to marts      -- schema ACL, default privileges, table grants
    (bi_reader always gets usage + select)    -- even when marts_prev had none
    every grant on marts_prev revoked          -- only the owner can read the old generation

Power BI and QGIS connect to schema `marts` by name, so after the commit their next query reads
the new tables; a query running during the swap keeps reading the old tables (renaming a schema
does not lock its tables). If the build fails midway nothing is renamed: `marts` stays exactly
as it was. `marts_prev` stays as a one-step rollback (`rollback()`), dropped at the next
publication.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

import psycopg
from psycopg import sql

DEFAULT_BI_ROLES = ("bi_reader",)
OBJTYPES = {"r": "tables", "S": "sequences", "f": "functions", "T": "types", "n": "schemas"}


def bi_roles() -> tuple[str, ...]:
    """Roles that read the published marts (BOLIGMON_BI_ROLES, comma separated)."""
    value = os.environ.get("BOLIGMON_BI_ROLES")
    if not value:
        return DEFAULT_BI_ROLES
    return tuple(r.strip() for r in value.split(",") if r.strip())


@dataclass
class PublishResult:
    live: str
    previous: str | None
    tables: list[str] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)


def schema_exists(conn: psycopg.Connection, name: str) -> bool:
    row = conn.execute("select 1 from pg_namespace where nspname = %s", (name,)).fetchone()
    return row is not None


def tables_in(conn: psycopg.Connection, schema: str) -> list[str]:
    rows = conn.execute(
        "select c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace "
        "where n.nspname = %s and c.relkind in ('r', 'p', 'v', 'm') order by 1",
        (schema,),
    ).fetchall()
    return [r[0] for r in rows]


def reset_next(conn: psycopg.Connection, next_schema: str) -> None:
    """Start every build from an empty `marts_next`, so a mart removed from the project is not
    published from a stale earlier build."""
    with conn.transaction():
        conn.execute(
            sql.SQL("drop schema if exists {} cascade").format(sql.Identifier(next_schema))
        )


def _role(grantee_oid: int, name: str | None) -> sql.Composable:
    return sql.SQL("public") if grantee_oid == 0 else sql.Identifier(name or "")


def _copy_grants(conn: psycopg.Connection, source: str, target: str) -> None:
    """Schema ACL, default privileges and per-table grants of `source` onto `target`."""
    for grantee, name, privilege, grantable in conn.execute(
        "select a.grantee, pg_get_userbyid(a.grantee), a.privilege_type, a.is_grantable "
        "from pg_namespace n, aclexplode(n.nspacl) a "
        "where n.nspname = %s and a.grantee <> n.nspowner",
        (source,),
    ).fetchall():
        conn.execute(
            sql.SQL("grant {} on schema {} to {}{}").format(
                sql.SQL(privilege),
                sql.Identifier(target),
                _role(grantee, name),
                sql.SQL(" with grant option" if grantable else ""),
            )
        )
    for owner, objtype, grantee, name, privilege in conn.execute(
        "select pg_get_userbyid(d.defaclrole), d.defaclobjtype, a.grantee, "
        "pg_get_userbyid(a.grantee), a.privilege_type "
        "from pg_default_acl d join pg_namespace n on n.oid = d.defaclnamespace, "
        "aclexplode(d.defaclacl) a where n.nspname = %s",
        (source,),
    ).fetchall():
        if objtype not in OBJTYPES or objtype == "n":
            continue
        conn.execute(
            sql.SQL(
                "alter default privileges for role {} in schema {} grant {} on {} to {}"
            ).format(
                sql.Identifier(owner),
                sql.Identifier(target),
                sql.SQL(privilege),
                sql.SQL(OBJTYPES[objtype]),
                _role(grantee, name),
            )
        )
    for table, grantee, name, privilege in conn.execute(
        "select old.relname, a.grantee, pg_get_userbyid(a.grantee), a.privilege_type "
        "from pg_class old join pg_namespace ns on ns.oid = old.relnamespace "
        "join pg_class new on new.relname = old.relname "
        "join pg_namespace nt on nt.oid = new.relnamespace and nt.nspname = %s, "
        "aclexplode(old.relacl) a "
        "where ns.nspname = %s and a.grantee <> old.relowner",
        (target, source),
    ).fetchall():
        conn.execute(
            sql.SQL("grant {} on {} to {}").format(
                sql.SQL(privilege),
                sql.Identifier(target, table),
                _role(grantee, name),
            )
        )


def _grant_bi(conn: psycopg.Connection, schema: str) -> None:
    existing = {
        r[0]
        for r in conn.execute(
            "select rolname from pg_roles where rolname = any(%s)", (list(bi_roles()),)
        ).fetchall()
    }
    for role in bi_roles():
        if role not in existing:
            continue
        ident = sql.Identifier(role)
        conn.execute(
            sql.SQL("grant usage on schema {} to {}").format(sql.Identifier(schema), ident)
        )
        conn.execute(
            sql.SQL("grant select on all tables in schema {} to {}").format(
                sql.Identifier(schema), ident
            )
        )
        conn.execute(
            sql.SQL("alter default privileges in schema {} grant select on tables to {}").format(
                sql.Identifier(schema), ident
            )
        )


def _lock_out(conn: psycopg.Connection, schema: str) -> None:
    """Revoke every grant on `schema` (the owner keeps access; it is the rollback copy)."""
    for grantee, name in conn.execute(
        "select distinct a.grantee, pg_get_userbyid(a.grantee) "
        "from pg_namespace n, aclexplode(n.nspacl) a "
        "where n.nspname = %s and a.grantee <> n.nspowner",
        (schema,),
    ).fetchall():
        conn.execute(
            sql.SQL("revoke all on schema {} from {}").format(
                sql.Identifier(schema), _role(grantee, name)
            )
        )


def swap(
    conn: psycopg.Connection,
    live: str = "marts",
    next_schema: str = "marts_next",
    previous: str = "marts_prev",
    lock_timeout: str = "60s",
) -> PublishResult:
    """Publish `next_schema` as `live` in one transaction (see the module docstring)."""
    with conn.transaction():
        conn.execute(sql.SQL("set local lock_timeout = {}").format(sql.Literal(lock_timeout)))
        if not schema_exists(conn, next_schema):
            raise RuntimeError(f"schema {next_schema} does not exist: nothing to publish")
        tables = tables_in(conn, next_schema)
        result = PublishResult(live=live, previous=None, tables=tables)
        if schema_exists(conn, previous):
            result.dropped = tables_in(conn, previous)
            conn.execute(sql.SQL("drop schema {} cascade").format(sql.Identifier(previous)))
        if schema_exists(conn, live):
            conn.execute(
                sql.SQL("alter schema {} rename to {}").format(
                    sql.Identifier(live), sql.Identifier(previous)
                )
            )
            result.previous = previous
        conn.execute(
            sql.SQL("alter schema {} rename to {}").format(
                sql.Identifier(next_schema), sql.Identifier(live)
            )
        )
        if result.previous:
            _copy_grants(conn, previous, live)
            _lock_out(conn, previous)
        _grant_bi(conn, live)
    return result


def rollback(
    conn: psycopg.Connection, live: str = "marts", previous: str = "marts_prev"
) -> PublishResult:
    """Put the previous generation back (`marts` <-> `marts_prev`), grants included."""
    with conn.transaction():
        if not schema_exists(conn, previous):
            raise RuntimeError(f"schema {previous} does not exist: nothing to roll back to")
        tmp = f"{live}_rollback_tmp"
        conn.execute(
            sql.SQL("alter schema {} rename to {}").format(
                sql.Identifier(live), sql.Identifier(tmp)
            )
        )
        conn.execute(
            sql.SQL("alter schema {} rename to {}").format(
                sql.Identifier(previous), sql.Identifier(live)
            )
        )
        conn.execute(
            sql.SQL("alter schema {} rename to {}").format(
                sql.Identifier(tmp), sql.Identifier(previous)
            )
        )
        _copy_grants(conn, previous, live)
        _lock_out(conn, previous)
        _grant_bi(conn, live)
        return PublishResult(live=live, previous=previous, tables=tables_in(conn, live))
