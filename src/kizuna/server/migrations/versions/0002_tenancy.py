"""Tenancy: organisations, users, memberships, tokens, sessions, shares, the audit log;
an owner organisation, visibility and licence on cities, inventories and plans.

Rows that exist already (a database of an older Kizuna) are given to an
organisation ``unassigned`` and made private: nobody sees them until an
administrator gives them to their real owner (the demo loader does so for the
demo cities).

Revision ID: 0002
Revises: 0001
Created: 2025-01-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

ORG_KINDS = ("city_government", "company", "startup", "university", "network", "other")
ROLES = ("viewer", "editor", "admin", "owner")
VISIBILITIES = ("private", "partners", "network", "public")
SHARED_TABLES = ("city", "inventory", "city_plan")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def _now() -> sa.Column:
    return sa.Column("created_at", sa.DateTime(timezone=True), nullable=False)


def _user_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["user_id"],
        ["user_account.id"],
        name=f"fk_{table}_user_id_user_account",
        ondelete="CASCADE",
    )


def upgrade() -> None:
    create_account_tables()
    create_sharing_tables()
    create_audit_log()
    for table in SHARED_TABLES:
        add_sharing_columns(table)


def create_account_tables() -> None:
    """Organisations, users, memberships, API tokens, web sessions and login attempts."""
    op.create_table(
        "organisation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(64), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("name_ja", sa.String(200), nullable=True),
        sa.Column("kind", sa.String(16), nullable=False),
        _now(),
        sa.PrimaryKeyConstraint("id", name="pk_organisation"),
        sa.CheckConstraint(_in("kind", ORG_KINDS), name=op.f("ck_organisation_kind")),
    )
    op.create_index("ix_organisation_slug", "organisation", ["slug"], unique=True)
    op.create_table(
        "user_account",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(320), nullable=False),
        sa.Column("display_name", sa.String(200), nullable=False),
        sa.Column("password_hash", sa.String(200), nullable=False),
        sa.Column("locale", sa.String(16), nullable=False),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        _now(),
        sa.Column("last_login_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_user_account"),
    )
    op.create_index("ix_user_account_email", "user_account", ["email"], unique=True)
    op.create_table(
        "membership",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        _now(),
        _user_fk("membership"),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name="fk_membership_organisation_id_organisation",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_membership"),
        sa.UniqueConstraint(
            "user_id", "organisation_id", name="uq_membership_user_id_organisation_id"
        ),
        sa.CheckConstraint(_in("role", ROLES), name=op.f("ck_membership_role")),
    )
    op.create_index("ix_membership_user_id", "membership", ["user_id"])
    op.create_index("ix_membership_organisation_id", "membership", ["organisation_id"])
    op.create_table(
        "api_token",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("prefix", sa.String(16), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("scopes", sa.JSON(), nullable=False),
        _now(),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        _user_fk("api_token"),
        sa.PrimaryKeyConstraint("id", name="pk_api_token"),
    )
    op.create_index("ix_api_token_token_hash", "api_token", ["token_hash"], unique=True)
    op.create_index("ix_api_token_user_id", "api_token", ["user_id"])
    op.create_table(
        "web_session",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("id_hash", sa.String(64), nullable=False),
        sa.Column("csrf_token", sa.String(64), nullable=False),
        _now(),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        _user_fk("web_session"),
        sa.PrimaryKeyConstraint("id", name="pk_web_session"),
    )
    op.create_index("ix_web_session_id_hash", "web_session", ["id_hash"], unique=True)
    op.create_index("ix_web_session_user_id", "web_session", ["user_id"])
    op.create_table(
        "login_attempt",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(320), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("succeeded", sa.Boolean(), nullable=False),
        sa.Column("client", sa.String(100), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_login_attempt"),
    )
    op.create_index("ix_login_attempt_email_at", "login_attempt", ["email", "at"])


def create_sharing_tables() -> None:
    """Shares of objects with partner organisations."""
    op.create_table(
        "object_share",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("object_type", sa.String(32), nullable=False),
        sa.Column("object_id", sa.Integer(), nullable=False),
        sa.Column("partner_org_id", sa.Integer(), nullable=False),
        _now(),
        sa.ForeignKeyConstraint(
            ["partner_org_id"],
            ["organisation.id"],
            name="fk_object_share_partner_org_id_organisation",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_object_share"),
        sa.UniqueConstraint(
            "object_type",
            "object_id",
            "partner_org_id",
            name="uq_object_share_object_type_object_id_partner_org_id",
        ),
    )
    op.create_index("ix_object_share_object", "object_share", ["object_type", "object_id"])
    op.create_index("ix_object_share_partner_org_id", "object_share", ["partner_org_id"])


#: PostgreSQL: one function raising for any row change, fired before UPDATE, DELETE, TRUNCATE.
POSTGRES_GUARD = [
    """
    CREATE FUNCTION kizuna_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION 'audit_entry is append-only: % is not allowed', TG_OP
            USING ERRCODE = 'insufficient_privilege';
    END
    $$
    """,
    """
    CREATE TRIGGER audit_entry_append_only BEFORE UPDATE OR DELETE ON audit_entry
    FOR EACH ROW EXECUTE FUNCTION kizuna_audit_append_only()
    """,
    """
    CREATE TRIGGER audit_entry_no_truncate BEFORE TRUNCATE ON audit_entry
    FOR EACH STATEMENT EXECUTE FUNCTION kizuna_audit_append_only()
    """,
]
#: SQLite: two triggers aborting the statement.
SQLITE_GUARD = [
    f"""
    CREATE TRIGGER audit_entry_no_{verb.lower()} BEFORE {verb} ON audit_entry
    BEGIN SELECT RAISE(ABORT, 'audit_entry is append-only: {verb} is not allowed'); END
    """
    for verb in ("UPDATE", "DELETE")
]


def create_audit_log() -> None:
    """The audit log, and the triggers that make it append-only where the engine allows."""
    op.create_table(
        "audit_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor_user_id", sa.Integer(), nullable=True),
        sa.Column("actor_token_id", sa.Integer(), nullable=True),
        sa.Column("actor_label", sa.String(320), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(64), nullable=False),
        sa.Column("object_type", sa.String(32), nullable=True),
        sa.Column("object_id", sa.String(64), nullable=True),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_audit_entry"),
    )
    op.create_index("ix_audit_entry_organisation_id_at", "audit_entry", ["organisation_id", "at"])
    dialect = op.get_bind().dialect.name
    guard = {"postgresql": POSTGRES_GUARD, "sqlite": SQLITE_GUARD}.get(dialect, [])
    for statement in guard:
        op.execute(statement)


def add_sharing_columns(table: str) -> None:
    """Owner organisation (required), visibility and licence on a shared table."""
    with op.batch_alter_table(table) as batch:
        batch.add_column(sa.Column("owner_org_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("visibility", sa.String(16), nullable=True))
        batch.add_column(sa.Column("licence", sa.String(64), nullable=True))
    connection = op.get_bind()
    if connection.execute(sa.text(f"SELECT 1 FROM {table} LIMIT 1")).first() is not None:
        owner = _unassigned_organisation()
        connection.execute(
            sa.text(f"UPDATE {table} SET owner_org_id = :owner, visibility = 'private'"),
            {"owner": owner},
        )
    with op.batch_alter_table(table) as batch:
        batch.alter_column("owner_org_id", existing_type=sa.Integer(), nullable=False)
        batch.alter_column("visibility", existing_type=sa.String(16), nullable=False)
        batch.create_foreign_key(
            f"fk_{table}_owner_org_id_organisation",
            "organisation",
            ["owner_org_id"],
            ["id"],
            ondelete="RESTRICT",
        )
        batch.create_index(f"ix_{table}_owner_org_id", ["owner_org_id"])
        batch.create_check_constraint(
            op.f(f"ck_{table}_visibility"), sa.text(_in("visibility", VISIBILITIES))
        )
        batch.create_check_constraint(
            op.f(f"ck_{table}_licence_when_public"),
            sa.text("visibility <> 'public' OR licence IS NOT NULL"),
        )


def _unassigned_organisation() -> int:
    """The id of organisation ``unassigned`` (made on first use) that takes over old rows."""
    connection = op.get_bind()
    found = connection.execute(
        sa.text("SELECT id FROM organisation WHERE slug = 'unassigned'")
    ).scalar()
    if found is not None:
        return int(found)
    connection.execute(
        sa.text(
            "INSERT INTO organisation (slug, name, kind, created_at) "
            "VALUES ('unassigned', 'Unassigned (data from before organisations)', 'other', "
            "CURRENT_TIMESTAMP)"
        )
    )
    return int(
        connection.execute(
            sa.text("SELECT id FROM organisation WHERE slug = 'unassigned'")
        ).scalar()
    )


def downgrade() -> None:
    for table in reversed(SHARED_TABLES):
        with op.batch_alter_table(table) as batch:
            batch.drop_constraint(op.f(f"ck_{table}_licence_when_public"), type_="check")
            batch.drop_constraint(op.f(f"ck_{table}_visibility"), type_="check")
            batch.drop_index(f"ix_{table}_owner_org_id")
            batch.drop_constraint(f"fk_{table}_owner_org_id_organisation", type_="foreignkey")
            batch.drop_column("licence")
            batch.drop_column("visibility")
            batch.drop_column("owner_org_id")
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute("DROP TABLE audit_entry")
        op.execute("DROP FUNCTION kizuna_audit_append_only()")
    else:
        op.drop_table("audit_entry")
    for table in (
        "object_share",
        "login_attempt",
        "web_session",
        "api_token",
        "membership",
        "user_account",
        "organisation",
    ):
        op.drop_table(table)
