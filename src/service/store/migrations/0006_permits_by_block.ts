import type { Migration } from "./index";

/**
 * Start-up reconciliation asks for the permits anchored above the chain's head (a chain that lost
 * its last blocks) at every start: by block number, not a page-by-page read of every ISSUED permit.
 */
export const permitsByBlock: Migration = {
  version: 6,
  name: "permits_by_block",
  sql: () => "CREATE INDEX permits_block ON permits (block_number);",
};
