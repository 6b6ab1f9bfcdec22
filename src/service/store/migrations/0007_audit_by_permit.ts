import type { Migration } from "./index";

/**
 * A country's audit export includes the requests of other countries' officers (and of callers
 * without a valid token) about the permits it issued, exports or imports: found by permit.
 */
export const auditByPermit: Migration = {
  version: 7,
  name: "audit_by_permit",
  sql: () => "CREATE INDEX audit_log_permit ON audit_log (permit_id, at);",
};
