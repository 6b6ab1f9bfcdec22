import type { Migration } from "./index";

/**
 * A country's permits, newest first, from the indexes of each column it can be in (issuing,
 * exporting, importing), with and without the status: the permit list (filtered by status or not),
 * the dashboard and the annual report read them without scanning every permit of every country.
 * Measured on 200,000 permits (SQLite): a country with no permits took 160 ms, a status filter
 * 47 to 124 ms, the dashboard's counts 480 ms; now under 2 ms for the lists. The importing index
 * gains the id, the list's tie-break, like the others.
 */
export const permitsByCountry: Migration = {
  version: 9,
  name: "permits_by_country",
  sql: () => `
    CREATE INDEX permits_issuing_created ON permits (issuing_country, created_at, permit_id);
    CREATE INDEX permits_exporting_created ON permits (exporting_country, created_at, permit_id);
    CREATE INDEX permits_importing_created ON permits (importing_country, created_at, permit_id);
    CREATE INDEX permits_issuing_status ON permits (issuing_country, status, created_at, permit_id);
    CREATE INDEX permits_exporting_status ON permits (exporting_country, status, created_at, permit_id);
    CREATE INDEX permits_importing_status ON permits (importing_country, status, created_at, permit_id);
    DROP INDEX permits_importing;
  `,
};
