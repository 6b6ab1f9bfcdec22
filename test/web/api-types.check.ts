/**
 * Compile-time check (run by `tsc --noEmit` in `npm test`; nothing here runs): the shapes the
 * pages read (src/web/lib/types.ts, a copy — the pages may not import the service) still match
 * what the service answers. A field renamed, removed or retyped on one side fails the type check.
 */
import type { OfficerView } from "../../src/service/domain/officers";
import type { PermitView as ServicePermitView } from "../../src/service/domain/views";
import type { PermitCounts as StoreCounts, PermitStatus as StoreStatus } from "../../src/service/store";
import type { VerificationResult } from "../../src/sdk/verify";
import type { Officer, PermitCounts, PermitStatus, PermitSummary, PermitView, Verification } from "../../src/web/lib/types";

type Is<T extends true> = T;
type Extends<A, B> = [A] extends [B] ? true : false;
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

/** Whatever the service sends, the pages can read; and the pages read no field the service does not send. */
type Readable<Sent, Read> = Extends<Sent, Read> extends true ? Extends<keyof Read, keyof Sent> : false;

export type Checks = [
  Is<Same<PermitStatus, StoreStatus>>,
  Is<Readable<ServicePermitView, PermitView>>,
  Is<Extends<keyof PermitSummary, keyof ServicePermitView>>,
  Is<Readable<OfficerView, Officer>>,
  Is<Readable<StoreCounts & { country: string }, PermitCounts>>,
  Is<Readable<VerificationResult, Verification>>,
];
