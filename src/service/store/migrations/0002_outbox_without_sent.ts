import type { Migration } from "./index";

/**
 * The outbox no longer marks entries SENT: an entry stays QUEUED under its lease while its
 * transaction is in flight, and a re-claimed entry is checked on chain before anything is sent
 * again. An entry an earlier version left SENT (it stopped before the receipt) goes back to the
 * queue, where that check finds it anchored or sends it; the nonce those versions kept goes.
 */
export const outboxWithoutSent: Migration = {
  version: 2,
  name: "outbox_without_sent",
  sql: () => `
    UPDATE outbox SET state = 'QUEUED', lease_until = NULL WHERE state = 'SENT';
    ALTER TABLE outbox DROP COLUMN nonce;
  `,
};
