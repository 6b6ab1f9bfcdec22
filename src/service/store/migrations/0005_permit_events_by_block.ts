import type { Migration } from "./index";

/**
 * Start-up reconciliation asks for the permit events above the chain's head (`listPermitEventsAfter`)
 * at every start: by block number, not a scan of every event the registry ever recorded.
 */
export const permitEventsByBlock: Migration = {
  version: 5,
  name: "permit_events_by_block",
  sql: () => "CREATE INDEX permit_events_block ON permit_events (block_number, log_index);",
};
