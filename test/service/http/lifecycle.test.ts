/**
 * The full lifecycle through HTTP on the default store (SQLite in DATA_DIR): issue → PENDING →
 * ISSUED → endorsed → used, the Appendix-I chain, cancel, replace, non-compliance, QR, PDF,
 * annual report, officers, audit log and the batch form.
 */
import { startTestService } from "./harness";
import { shouldRunTheLifecycle } from "./lifecycle.behavior";

describe("REST API lifecycle (SQLite)", function () {
  this.timeout(30_000);
  shouldRunTheLifecycle(() => startTestService());
});
