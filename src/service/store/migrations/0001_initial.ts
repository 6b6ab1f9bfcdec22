import type { Migration } from "./index";

/** The first schema: officers, permits and their lines and events, outbox, idempotency, audit, indexer. */
export const initial: Migration = {
  version: 1,
  name: "initial",
  sql: (d) => `
    CREATE TABLE officers (
      id TEXT PRIMARY KEY,
      country TEXT NOT NULL,
      role TEXT NOT NULL CHECK (role IN ('ADMIN', 'ISSUER', 'CUSTOMS')),
      name TEXT NOT NULL,
      address TEXT NOT NULL UNIQUE,
      token_hash TEXT NOT NULL UNIQUE,
      encrypted_key TEXT,
      active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
      created_at TEXT NOT NULL,
      removed_at TEXT
    );
    CREATE INDEX officers_country_role ON officers (country, role);

    CREATE TABLE permits (
      permit_id TEXT PRIMARY KEY,
      issuing_country TEXT NOT NULL,
      permit_number TEXT NOT NULL,
      document TEXT NOT NULL,
      salt TEXT NOT NULL,
      document_hash TEXT NOT NULL,
      doc_type TEXT NOT NULL,
      exporting_country TEXT,
      importing_country TEXT,
      valid_until TEXT,
      status TEXT NOT NULL CHECK (status IN ('PENDING', 'ISSUED', 'ENDORSED', 'USED', 'CANCELLED', 'REPLACED', 'FAILED')),
      failure_reason TEXT,
      issuer_officer_id TEXT REFERENCES officers (id),
      signature TEXT,
      tx_hash TEXT,
      block_number BIGINT,
      created_at TEXT NOT NULL,
      updated_at TEXT NOT NULL,
      UNIQUE (issuing_country, permit_number)
    );
    CREATE INDEX permits_created ON permits (created_at, permit_id);
    CREATE INDEX permits_importing ON permits (importing_country, created_at);
    CREATE INDEX permits_status ON permits (status);

    CREATE TABLE permit_lines (
      permit_id TEXT NOT NULL REFERENCES permits (permit_id),
      line INTEGER NOT NULL,
      authorised BIGINT NOT NULL CHECK (authorised >= 0),
      exported BIGINT NOT NULL DEFAULT 0 CHECK (exported >= 0),
      PRIMARY KEY (permit_id, line)
    );

    CREATE TABLE permit_events (
      id ${d.autoId},
      permit_id TEXT NOT NULL,
      kind TEXT NOT NULL,
      officer_address TEXT,
      country TEXT,
      tx_hash TEXT NOT NULL,
      block_number BIGINT NOT NULL,
      block_time TEXT,
      log_index INTEGER NOT NULL,
      data TEXT NOT NULL,
      UNIQUE (tx_hash, log_index)
    );
    CREATE INDEX permit_events_permit ON permit_events (permit_id, block_number, log_index);

    CREATE TABLE outbox (
      id ${d.autoId},
      kind TEXT NOT NULL,
      permit_id TEXT,
      payload TEXT NOT NULL,
      state TEXT NOT NULL CHECK (state IN ('QUEUED', 'SENT', 'MINED', 'FAILED')),
      attempts INTEGER NOT NULL DEFAULT 0,
      tx_hash TEXT,
      nonce BIGINT,
      last_error TEXT,
      lease_until TEXT,
      created_at TEXT NOT NULL,
      updated_at TEXT NOT NULL
    );
    CREATE INDEX outbox_state ON outbox (state, id);

    CREATE TABLE idempotency_keys (
      key TEXT NOT NULL,
      officer_id TEXT NOT NULL,
      request_hash TEXT NOT NULL,
      response_status INTEGER NOT NULL,
      response_body TEXT NOT NULL,
      created_at TEXT NOT NULL,
      PRIMARY KEY (key, officer_id)
    );

    CREATE TABLE audit_log (
      id ${d.autoId},
      at TEXT NOT NULL,
      request_id TEXT NOT NULL,
      officer_id TEXT,
      role TEXT,
      country TEXT,
      action TEXT NOT NULL,
      permit_id TEXT,
      result INTEGER NOT NULL,
      tx_hash TEXT,
      detail TEXT
    );
    CREATE INDEX audit_log_country_at ON audit_log (country, at);
    ${d.appendOnly("audit_log")}

    CREATE TABLE indexer_state (
      name TEXT PRIMARY KEY,
      last_block BIGINT NOT NULL
    );
  `,
};
