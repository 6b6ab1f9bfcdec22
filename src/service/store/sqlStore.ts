/**
 * The `Store` over any `SqlExecutor`: the SQL is shared, so SQLite and PostgreSQL behave alike.
 * Each table's queries live in `tables/`; this class only binds them to a connection and a clock.
 */
import type { SqlDriver, SqlExecutor } from "./driver";
import type { Store } from "./store";
import * as audit from "./tables/audit";
import * as events from "./tables/events";
import * as idempotency from "./tables/idempotency";
import * as indexer from "./tables/indexer";
import * as issuedCodes from "./tables/issuedCodes";
import * as officers from "./tables/officers";
import * as outbox from "./tables/outbox";
import * as permits from "./tables/permits";

export type Clock = () => Date;

export class SqlStore implements Store {
  readonly dialect: "sqlite" | "postgres";

  constructor(
    private readonly db: SqlExecutor,
    private readonly clock: Clock,
    private readonly driver?: SqlDriver,
  ) {
    this.dialect = db.dialect.name;
  }

  private now(): string {
    return this.clock().toISOString();
  }

  transaction<T>(fn: (tx: Store) => Promise<T>): Promise<T> {
    return this.db.transaction((tx) => fn(tx === this.db ? this : new SqlStore(tx, this.clock)));
  }

  async ping(): Promise<void> {
    await this.db.all("SELECT 1 AS ok");
  }

  async close(): Promise<void> {
    await this.driver?.close();
  }

  insertPermit: Store["insertPermit"] = (p) => permits.insertPermit(this.db, this.now(), p);
  reviveFailedPermit: Store["reviveFailedPermit"] = (p) => permits.reviveFailedPermit(this.db, this.now(), p);
  getPermit: Store["getPermit"] = (id) => permits.getPermit(this.db, id);
  getPermitStatus: Store["getPermitStatus"] = (id) => permits.getPermitStatus(this.db, id);
  getPermitByNumber: Store["getPermitByNumber"] = (country, number) => permits.getPermitByNumber(this.db, country, number);
  listPermits: Store["listPermits"] = (filter) => permits.listPermits(this.db, filter);
  countPermits: Store["countPermits"] = (country, since) => permits.countPermits(this.db, country, since);
  updatePermitStatus: Store["updatePermitStatus"] = (id, patch, from) => permits.updatePermitStatus(this.db, this.now(), id, patch, from);
  setExportShipment: Store["setExportShipment"] = (id, shipment) => permits.setExportShipment(this.db, this.now(), id, shipment);
  setPermitReplaces: Store["setPermitReplaces"] = (id, replaces) => permits.setPermitReplaces(this.db, this.now(), id, replaces);
  getPermitLines: Store["getPermitLines"] = (id) => permits.getPermitLines(this.db, id);
  getPermitLinesOf: Store["getPermitLinesOf"] = (ids) => permits.getPermitLinesOf(this.db, ids);
  setLineExported: Store["setLineExported"] = (id, line, exported) => permits.setLineExported(this.db, id, line, exported);

  appendPermitEvent: Store["appendPermitEvent"] = (event) => events.appendPermitEvent(this.db, event);
  listPermitEvents: Store["listPermitEvents"] = (id) => events.listPermitEvents(this.db, id);
  listPermitEventsOf: Store["listPermitEventsOf"] = (ids) => events.listPermitEventsOf(this.db, ids);
  listPermitEventsAfter: Store["listPermitEventsAfter"] = (block) => events.listPermitEventsAfter(this.db, block);
  deletePermitEvents: Store["deletePermitEvents"] = (id, txHashes) => events.deletePermitEvents(this.db, id, txHashes);

  enqueueOutbox: Store["enqueueOutbox"] = (entry) => outbox.enqueueOutbox(this.db, this.now(), entry);
  claimOutboxBatch: Store["claimOutboxBatch"] = ({ limit, leaseMs }) => outbox.claimOutboxBatch(this.db, this.clock(), limit, leaseMs);
  markOutboxMined: Store["markOutboxMined"] = (id, mined) => outbox.markOutboxMined(this.db, this.now(), id, mined?.txHash);
  markOutboxFailed: Store["markOutboxFailed"] = (id, error) => outbox.markOutboxFailed(this.db, this.now(), id, error);
  requeueOutbox: Store["requeueOutbox"] = (id, error) => outbox.requeueOutbox(this.db, this.now(), id, error);
  listOutbox: Store["listOutbox"] = (filter) => outbox.listOutbox(this.db, filter.state, filter.limit);
  countOutbox: Store["countOutbox"] = (state) => outbox.countOutbox(this.db, state);

  recordIssuedCode: Store["recordIssuedCode"] = (code) => issuedCodes.recordIssuedCode(this.db, this.now(), code);
  issuedCodeReading: Store["issuedCodeReading"] = (digest) => issuedCodes.issuedCodeReading(this.db, digest);

  getIdempotency: Store["getIdempotency"] = (key, officerId) => idempotency.getIdempotency(this.db, key, officerId);
  putIdempotency: Store["putIdempotency"] = (record) => idempotency.putIdempotency(this.db, this.now(), record);

  appendAudit: Store["appendAudit"] = (entry) => audit.appendAudit(this.db, this.now(), entry);
  exportAudit: Store["exportAudit"] = (query) => audit.exportAudit(this.db, query);

  insertOfficer: Store["insertOfficer"] = (officer) => officers.insertOfficer(this.db, this.now(), officer);
  getOfficer: Store["getOfficer"] = (id) => officers.getOfficer(this.db, id);
  findOfficerByTokenHash: Store["findOfficerByTokenHash"] = (hash) => officers.findOfficerByTokenHash(this.db, hash);
  findOfficerByAddress: Store["findOfficerByAddress"] = (address) => officers.findOfficerByAddress(this.db, address);
  listOfficers: Store["listOfficers"] = (filter) => officers.listOfficers(this.db, filter);
  setOfficerTokenHash: Store["setOfficerTokenHash"] = (id, hash) => officers.setOfficerTokenHash(this.db, id, hash);
  removeOfficer: Store["removeOfficer"] = (id) => officers.removeOfficer(this.db, this.now(), id);

  getIndexerCursor: Store["getIndexerCursor"] = (name) => indexer.getIndexerCursor(this.db, name);
  setIndexerCursor: Store["setIndexerCursor"] = (name, block) => indexer.setIndexerCursor(this.db, name, block);
  clearIndexerCursor: Store["clearIndexerCursor"] = (name) => indexer.clearIndexerCursor(this.db, name);
}
