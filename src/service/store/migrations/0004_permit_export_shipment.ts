import type { Migration } from "./index";

/**
 * Box 14 of the CITES form, filled in at export: the bill of lading or air waybill and the port the
 * shipment left from, as the customs officer gave them with the endorsement. Off chain (the chain
 * holds the quantities); NULL for permits endorsed before this version and for those not endorsed.
 */
export const permitExportShipment: Migration = {
  version: 4,
  name: "permit_export_shipment",
  sql: () => `
    ALTER TABLE permits ADD COLUMN export_transport_document TEXT;
    ALTER TABLE permits ADD COLUMN export_port TEXT;
  `,
};
