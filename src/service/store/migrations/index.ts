/**
 * The schema's history, shared by SQLite and PostgreSQL. Append new migrations with the next
 * number; never edit one that has shipped. Dialect differences come only from `Dialect`.
 */
import type { Dialect } from "../dialect";
import type { SqlExecutor } from "../driver";
import { initial } from "./0001_initial";
import { outboxWithoutSent } from "./0002_outbox_without_sent";
import { permitSearchTextColumn } from "./0003_permit_search_text";
import { permitExportShipment } from "./0004_permit_export_shipment";
import { permitEventsByBlock } from "./0005_permit_events_by_block";
import { permitsByBlock } from "./0006_permits_by_block";
import { auditByPermit } from "./0007_audit_by_permit";
import { permitReplaces } from "./0008_permit_replaces";
import { permitsByCountry } from "./0009_permits_by_country";
import { issuedCodes } from "./0010_issued_codes";

export type Migration = {
  /** 1, 2, 3, … in order, no gaps. */
  version: number;
  name: string;
  sql: (dialect: Dialect) => string;
  /** Rewrites existing rows after `sql`, in the same transaction (what SQL alone cannot compute alike in both databases). */
  data?: (tx: SqlExecutor) => Promise<void>;
};

export const MIGRATIONS: readonly Migration[] = [initial, outboxWithoutSent, permitSearchTextColumn, permitExportShipment, permitEventsByBlock, permitsByBlock, auditByPermit, permitReplaces, permitsByCountry, issuedCodes];
