/**
 * Who may do what: every write of the registry × every role (governance, authority admin,
 * issuer, customs, stranger) × the actor's situation (own country, the partner country of the
 * shipment, an uninvolved third country, own country suspended, the actor removed). Each cell is
 * one test that asserts either the event of success or the exact custom error with its arguments.
 *
 * The subject of permit operations is a CH → JP export permit: CH (exporting, issuing) is the
 * "own" country of issue / endorse / cancel / replace, JP (importing) that of use and
 * non-compliance. Membership operations name CH.
 */
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import type { ContractTransactionResponse } from "ethers";
import { deployRegistryFixture, GOVERNANCE_DELAY, type RegistryFixture } from "../../scripts/lib/fixture";
import {
  CancelReason,
  NonComplianceReason,
  Role,
  Status,
  ZERO32,
  country,
  permitIdOf,
  recordFromChain,
  type PermitInputStruct,
  type PermitRecordStruct,
} from "../../scripts/lib/permits";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { DEFAULT_ADMIN_ROLE, NO_COUNTRY, chExport, idOfInput } from "./helpers/fixtures";
import { stateOf } from "./helpers/views";

// ---------------------------------------------------------------------------------------------
// The actors (columns of the matrix)

type RoleName = "governance" | "stranger" | "admin" | "issuer" | "customs";
type Situation = "own" | "partner" | "third" | "suspended" | "removed";
type ActorSpec = { role: RoleName; situation?: Situation };

const ACTORS: ActorSpec[] = [
  { role: "governance" },
  { role: "stranger" },
  ...(["admin", "issuer", "customs"] as const).flatMap((role) =>
    (["own", "partner", "third", "suspended", "removed"] as const).map((situation) => ({ role, situation })),
  ),
];

type Code = "CH" | "JP" | "FR";

/** An actor placed in a cell: the signer, and the country its account is registered in. */
type Actor = ActorSpec & {
  signer: HardhatEthersSigner;
  address: string;
  /** bytes2 of the account's country, NO_COUNTRY for an account never registered */
  country: string;
  /** true for the given role in one of the given situations */
  is(role: RoleName, ...situations: Situation[]): boolean;
};

function countryOfActor(spec: ActorSpec, own: Code): Code | undefined {
  if (spec.role === "governance" || spec.role === "stranger") return undefined;
  switch (spec.situation) {
    case "partner":
      return own === "CH" ? "JP" : "CH";
    case "third":
      return "FR";
    default:
      return own;
  }
}

function describeActor(spec: ActorSpec, own: Code): string {
  if (spec.role === "governance") return "governance";
  if (spec.role === "stranger") return "a stranger";
  const code = countryOfActor(spec, own)!;
  const who = { admin: "authority admin", issuer: "issuer", customs: "customs officer" }[spec.role];
  switch (spec.situation) {
    case "own":
      return `the ${code} ${who} (own country)`;
    case "partner":
      return `the ${code} ${who} (partner country)`;
    case "third":
      return `the ${code} ${who} (third country)`;
    case "suspended":
      return `the ${code} ${who} of a suspended ${code}`;
    case "removed":
      return spec.role === "admin" ? `a replaced ${code} authority admin` : `a removed ${code} ${who}`;
    default:
      throw new Error("unreachable");
  }
}

// ---------------------------------------------------------------------------------------------
// The operations (rows of the matrix)

type Subject = { input?: PermitInputStruct; inputs?: PermitInputStruct[]; permitId?: string; record?: PermitRecordStruct; replacement?: PermitInputStruct };
/** Success, or the custom error and its arguments (an argument may be read from the fixture). */
type Outcome = "succeeds" | [error: string, ...args: unknown[]];

type Operation = {
  name: string;
  /** the country whose accounts act in this operation ("own") */
  own: Code;
  /** issues / endorses what the operation needs, as the right actors */
  setup?: (f: RegistryFixture) => Promise<Subject>;
  call: (f: RegistryFixture, s: Subject, by: HardhatEthersSigner) => Promise<ContractTransactionResponse>;
  /** the event that proves success, asserted on the transaction */
  success: (f: RegistryFixture, s: Subject, a: Actor, tx: Promise<ContractTransactionResponse>) => Promise<void>;
  expected: (a: Actor) => Outcome;
};

const OK = "succeeds" as const;
const CH = country("CH");
const JP = country("JP");
const LK = country("LK");

const governanceOnly = (a: Actor): Outcome =>
  a.role === "governance" ? OK : ["AccessControlUnauthorizedAccount", a.address, DEFAULT_ADMIN_ROLE];

/** `_callerCountry(role)` fails naming the caller's own country; a right role elsewhere names the permit's country. */
const roleOfCountry = (role: "issuer" | "customs", roleId: number, permitCountry: string) => (a: Actor): Outcome =>
  a.is(role, "own") ? OK : a.is(role, "partner", "third") ? ["Unauthorized", a.address, roleId, permitCountry] : ["Unauthorized", a.address, roleId, a.country];

const officerOfImportingCountry = (a: Actor): Outcome =>
  a.is("issuer", "own") || a.is("customs", "own") ? OK : ["NotOfficerOf", a.address, JP];

async function issuedPermit(f: RegistryFixture): Promise<Subject> {
  const input = await chExport();
  await f.registry.connect(f.CH.issuer).issue(input);
  const permitId = idOfInput(input);
  return { input, permitId, record: await recordFromChain(f.registry, permitId) };
}

async function endorsedPermit(f: RegistryFixture): Promise<Subject> {
  const s = await issuedPermit(f);
  await f.registry.connect(f.CH.customs).endorseExport(s.record!, [100_000n, 14_500n]);
  return s;
}

const OPERATIONS: Operation[] = [
  {
    name: "admitCountry (admit LK)",
    own: "CH",
    call: (f, _s, by) => f.registry.connect(by).admitCountry(LK, f.spare[3]!.address),
    success: async (f, _s, _a, tx) => {
      await expect(tx).to.emit(f.registry, "CountryAdmitted").withArgs(LK, f.spare[3]!.address);
    },
    expected: governanceOnly,
  },
  {
    name: "changeCountryAdmin (of CH)",
    own: "CH",
    call: (f, _s, by) => f.registry.connect(by).changeCountryAdmin(CH, f.spare[3]!.address),
    success: async (f, _s, _a, tx) => {
      await expect(tx).to.emit(f.registry, "CountryAdminChanged").withArgs(CH, f.CH.admin.address, f.spare[3]!.address);
    },
    expected: governanceOnly,
  },
  {
    name: "suspendCountry (CH)",
    own: "CH",
    call: (f, _s, by) => f.registry.connect(by).suspendCountry(CH),
    success: async (f, _s, _a, tx) => {
      await expect(tx).to.emit(f.registry, "CountrySuspended").withArgs(CH);
    },
    expected: governanceOnly,
  },
  {
    name: "restoreCountry (CH, suspended)",
    own: "CH",
    setup: async (f) => {
      await f.registry.connect(f.governance).suspendCountry(CH);
      return {};
    },
    call: (f, _s, by) => f.registry.connect(by).restoreCountry(CH),
    success: async (f, _s, _a, tx) => {
      await expect(tx).to.emit(f.registry, "CountryRestored").withArgs(CH);
    },
    expected: governanceOnly,
  },
  {
    name: "registerOfficer (a new customs officer)",
    own: "CH",
    call: (f, _s, by) => f.registry.connect(by).registerOfficer(f.spare[4]!.address, Role.CUSTOMS),
    // registers in the caller's own country, whichever it is
    success: async (f, _s, a, tx) => {
      await expect(tx).to.emit(f.registry, "OfficerRegistered").withArgs(a.country, f.spare[4]!.address, Role.CUSTOMS);
    },
    expected: (a) => (a.is("admin", "own", "partner", "third") ? OK : ["Unauthorized", a.address, Role.AUTHORITY_ADMIN, a.country]),
  },
  {
    name: "removeOfficer (the CH issuer)",
    own: "CH",
    call: (f, _s, by) => f.registry.connect(by).removeOfficer(f.CH.issuer.address),
    success: async (f, _s, _a, tx) => {
      await expect(tx).to.emit(f.registry, "OfficerRemoved").withArgs(CH, f.CH.issuer.address, Role.ISSUER);
    },
    expected: (a) =>
      a.is("admin", "own")
        ? OK
        : a.is("admin", "partner", "third")
          ? ["OfficerNotFound", (f: RegistryFixture) => f.CH.issuer.address, a.country]
          : ["Unauthorized", a.address, Role.AUTHORITY_ADMIN, a.country],
  },
  {
    name: "issue (a CH → JP export permit)",
    own: "CH",
    setup: async () => ({ input: await chExport() }),
    call: (f, s, by) => f.registry.connect(by).issue(s.input!),
    success: async (f, s, a, tx) => {
      await expect(tx).to.emit(f.registry, "PermitIssued").withArgs(idOfInput(s.input!), a.address, s.input!.documentHash, s.input!.terms, s.input!.quantities);
    },
    expected: roleOfCountry("issuer", Role.ISSUER, CH),
  },
  {
    name: "issueBatch (two CH → JP export permits)",
    own: "CH",
    setup: async () => ({ inputs: [await chExport(), await chExport()] }),
    call: (f, s, by) => f.registry.connect(by).issueBatch(s.inputs!),
    success: async (f, s, a, tx) => {
      await expect(tx)
        .to.emit(f.registry, "PermitIssued")
        .withArgs(idOfInput(s.inputs![0]!), a.address, s.inputs![0]!.documentHash, s.inputs![0]!.terms, s.inputs![0]!.quantities)
        .and.to.emit(f.registry, "PermitIssued")
        .withArgs(idOfInput(s.inputs![1]!), a.address, s.inputs![1]!.documentHash, s.inputs![1]!.terms, s.inputs![1]!.quantities);
    },
    expected: roleOfCountry("issuer", Role.ISSUER, CH),
  },
  {
    name: "endorseExport (the CH → JP permit)",
    own: "CH",
    setup: issuedPermit,
    call: (f, s, by) => f.registry.connect(by).endorseExport(s.record!, [100_000n, 14_500n]),
    success: async (f, s, a, tx) => {
      await expect(tx).to.emit(f.registry, "ExportEndorsed").withArgs(s.permitId, CH, a.address, JP, [100_000n, 14_500n]);
    },
    expected: roleOfCountry("customs", Role.CUSTOMS, CH),
  },
  {
    name: "use (accept the endorsed CH → JP permit at import)",
    own: "JP",
    setup: endorsedPermit,
    call: (f, s, by) => f.registry.connect(by).use(s.permitId!),
    success: async (f, s, a, tx) => {
      await expect(tx).to.emit(f.registry, "ImportAccepted").withArgs(s.permitId, a.address, JP, CH);
    },
    expected: officerOfImportingCountry,
  },
  {
    name: "cancel (the CH → JP permit)",
    own: "CH",
    setup: issuedPermit,
    call: (f, s, by) => f.registry.connect(by).cancel(s.permitId!, CancelReason.LOST),
    success: async (f, s, a, tx) => {
      await expect(tx).to.emit(f.registry, "PermitCancelled").withArgs(s.permitId, CH, a.address, CancelReason.LOST);
    },
    expected: roleOfCountry("issuer", Role.ISSUER, CH),
  },
  {
    name: "replace (the CH → JP permit)",
    own: "CH",
    setup: async (f) => ({ ...(await issuedPermit(f)), replacement: await chExport() }),
    call: (f, s, by) => f.registry.connect(by).replace(s.permitId!, s.replacement!),
    success: async (f, s, a, tx) => {
      await expect(tx).to.emit(f.registry, "PermitReplaced").withArgs(s.permitId, CH, a.address, idOfInput(s.replacement!));
    },
    expected: roleOfCountry("issuer", Role.ISSUER, CH),
  },
  {
    name: "recordNonCompliance (on the endorsed CH → JP permit)",
    own: "JP",
    setup: endorsedPermit,
    call: (f, s, by) => f.registry.connect(by).recordNonCompliance(s.permitId!, NonComplianceReason.SPECIES_MISMATCH),
    success: async (f, s, a, tx) => {
      await expect(tx).to.emit(f.registry, "NonComplianceRecorded").withArgs(s.permitId, JP, a.address, NonComplianceReason.SPECIES_MISMATCH);
    },
    expected: officerOfImportingCountry,
  },
];

// ---------------------------------------------------------------------------------------------
// Placing an actor in its situation

async function placeActor(f: RegistryFixture, spec: ActorSpec, own: Code): Promise<Actor> {
  const code = countryOfActor(spec, own);
  const signer =
    spec.role === "governance" ? f.governance : spec.role === "stranger" ? f.stranger : f[code!][spec.role as "admin" | "issuer" | "customs"];
  if (spec.situation === "suspended") {
    const [, , suspended] = await f.registry.countryOf(country(code!));
    if (!suspended) await f.registry.connect(f.governance).suspendCountry(country(code!));
  }
  if (spec.situation === "removed") {
    if (spec.role === "admin") await f.registry.connect(f.governance).changeCountryAdmin(country(code!), f.spare[0]!.address);
    else {
      // an admin of a suspended country can't act: lift the suspension for the removal only
      const [, , suspended] = await f.registry.countryOf(country(code!));
      if (suspended) await f.registry.connect(f.governance).restoreCountry(country(code!));
      await f.registry.connect(f[code!].admin).removeOfficer(signer.address);
      if (suspended) await f.registry.connect(f.governance).suspendCountry(country(code!));
    }
  }
  return {
    ...spec,
    signer,
    address: signer.address,
    country: code ? country(code) : NO_COUNTRY,
    is: (role, ...situations) => spec.role === role && situations.includes(spec.situation!),
  };
}

const ROLE_NAMES = ["NONE", "AUTHORITY_ADMIN", "ISSUER", "CUSTOMS"];

/** "fails with Unauthorized(account, ISSUER, CH)": the error as the test will assert it. */
function describeOutcome(o: Outcome): string {
  if (o === OK) return "succeeds";
  const [error, ...args] = o;
  const shown = args.map((arg, i) => {
    if (typeof arg === "function" || arg === "") return "account";
    if (arg === NO_COUNTRY) return "0x0000";
    if (typeof arg === "string" && /^0x[0-9a-f]{4}$/.test(arg)) return ethers.toUtf8String(arg);
    if (error === "Unauthorized" && i === 1) return ROLE_NAMES[arg as number];
    if (arg === DEFAULT_ADMIN_ROLE) return "DEFAULT_ADMIN_ROLE";
    return String(arg);
  });
  return `fails with ${error}(${shown.join(", ")})`;
}

describe("PermitRegistry authorisation", function () {
  describe("the authorisation matrix", function () {
    for (const op of OPERATIONS) {
      describe(op.name, function () {
        for (const spec of ACTORS) {
          // Outcomes only depend on the actor's role and situation, so they can name the test.
          const code = countryOfActor(spec, op.own);
          const probe: Actor = {
            ...spec,
            signer: undefined as unknown as HardhatEthersSigner,
            address: "",
            country: code ? country(code) : NO_COUNTRY,
            is: (r, ...s) => spec.role === r && s.includes(spec.situation!),
          };
          const outcome = op.expected(probe);
          it(`${describeActor(spec, op.own)}: ${describeOutcome(outcome)}`, async function () {
            const f = await loadFixture(deployRegistryFixture);
            const subject = op.setup ? await op.setup(f) : {};
            const actor = await placeActor(f, spec, op.own);
            const expected = op.expected(actor);
            const tx = op.call(f, subject, actor.signer);
            if (expected === OK) {
              await op.success(f, subject, actor, tx);
              return;
            }
            const [error, ...args] = expected;
            const resolved = args.map((arg) => (typeof arg === "function" ? (arg as (f: RegistryFixture) => unknown)(f) : arg));
            await expect(tx).to.be.revertedWithCustomError(f.registry, error).withArgs(...resolved);
          });
        }
      });
    }
  });

  describe("governance is hard to lose", function () {
    it("the constructor rejects a zero governance account", async function () {
      const factory = await ethers.getContractFactory("PermitRegistry");
      await expect(factory.deploy(GOVERNANCE_DELAY, ethers.ZeroAddress))
        .to.be.revertedWithCustomError(factory, "AccessControlInvalidDefaultAdmin")
        .withArgs(ethers.ZeroAddress);
    });

    it("governance is the single default admin, with the configured transfer delay", async function () {
      const { registry, governance } = await loadFixture(deployRegistryFixture);
      expect(await registry.defaultAdmin()).to.equal(governance.address);
      expect(await registry.defaultAdminDelay()).to.equal(GOVERNANCE_DELAY);
      expect(await registry.hasRole(DEFAULT_ADMIN_ROLE, governance.address)).to.equal(true);
    });

    it("can't be granted in one step, not even by governance", async function () {
      const { registry, governance, spare } = await loadFixture(deployRegistryFixture);
      await expect(registry.connect(governance).grantRole(DEFAULT_ADMIN_ROLE, spare[0]!.address)).to.be.revertedWithCustomError(
        registry,
        "AccessControlEnforcedDefaultAdminRules",
      );
    });

    it("moves in two steps: the new account can't accept before the delay, and can after it", async function () {
      const { registry, governance, spare, stranger } = await loadFixture(deployRegistryFixture);
      const next = spare[0]!;
      await expect(registry.connect(stranger).beginDefaultAdminTransfer(next.address))
        .to.be.revertedWithCustomError(registry, "AccessControlUnauthorizedAccount")
        .withArgs(stranger.address, DEFAULT_ADMIN_ROLE);
      await expect(registry.connect(governance).beginDefaultAdminTransfer(next.address)).to.emit(registry, "DefaultAdminTransferScheduled");
      const [pending, schedule] = await registry.pendingDefaultAdmin();
      expect(pending).to.equal(next.address);

      await expect(registry.connect(next).acceptDefaultAdminTransfer())
        .to.be.revertedWithCustomError(registry, "AccessControlEnforcedDefaultAdminDelay")
        .withArgs(schedule);
      // governance keeps working meanwhile
      await expect(registry.connect(governance).admitCountry(country("LK"), spare[1]!.address)).to.emit(registry, "CountryAdmitted");

      await time.setNextBlockTimestamp(schedule); // still too early: the schedule must have passed
      await expect(registry.connect(next).acceptDefaultAdminTransfer()).to.be.revertedWithCustomError(registry, "AccessControlEnforcedDefaultAdminDelay");
      await time.increaseTo(schedule + 1n);
      await expect(registry.connect(stranger).acceptDefaultAdminTransfer())
        .to.be.revertedWithCustomError(registry, "AccessControlInvalidDefaultAdmin")
        .withArgs(stranger.address);
      await registry.connect(next).acceptDefaultAdminTransfer();

      expect(await registry.defaultAdmin()).to.equal(next.address);
      await expect(registry.connect(governance).suspendCountry(country("LK")))
        .to.be.revertedWithCustomError(registry, "AccessControlUnauthorizedAccount")
        .withArgs(governance.address, DEFAULT_ADMIN_ROLE);
      await expect(registry.connect(next).suspendCountry(country("LK"))).to.emit(registry, "CountrySuspended").withArgs(country("LK"));
    });

    it("a pending transfer can be cancelled by governance before it is accepted", async function () {
      const { registry, governance, spare } = await loadFixture(deployRegistryFixture);
      await registry.connect(governance).beginDefaultAdminTransfer(spare[0]!.address);
      await registry.connect(governance).cancelDefaultAdminTransfer();
      await time.increase(GOVERNANCE_DELAY + 1);
      await expect(registry.connect(spare[0]!).acceptDefaultAdminTransfer())
        .to.be.revertedWithCustomError(registry, "AccessControlInvalidDefaultAdmin")
        .withArgs(spare[0]!.address);
      expect(await registry.defaultAdmin()).to.equal(governance.address);
    });
  });

  describe("membership rules", function () {
    it("removing an officer emits OfficerRemoved and deactivates the account", async function () {
      const { registry, CH: ch } = await loadFixture(deployRegistryFixture);
      await expect(registry.connect(ch.admin).removeOfficer(ch.customs.address))
        .to.emit(registry, "OfficerRemoved")
        .withArgs(CH, ch.customs.address, Role.CUSTOMS);
      const [code, role, active] = await registry.accountOf(ch.customs.address);
      expect([code, Number(role), active]).to.deep.equal([CH, Role.CUSTOMS, false]);
      expect(await registry.isActive(ch.customs.address, Role.CUSTOMS, CH)).to.equal(false);
    });

    it("a removed officer can't act from the very next transaction, even in the same block", async function () {
      const { registry, CH: ch } = await loadFixture(deployRegistryFixture);
      const input = await chExport();
      await ethers.provider.send("evm_setAutomine", [false]);
      try {
        const removal = await registry.connect(ch.admin).removeOfficer(ch.issuer.address, { gasLimit: 200_000 });
        const attempt = await registry.connect(ch.issuer).issue(input, { gasLimit: 500_000 });
        await ethers.provider.send("evm_mine", []);
        const [r1, r2] = [await ethers.provider.getTransactionReceipt(removal.hash), await ethers.provider.getTransactionReceipt(attempt.hash)];
        expect(r1!.blockNumber).to.equal(r2!.blockNumber);
        expect(r1!.index).to.be.lessThan(r2!.index);
        expect(r1!.status).to.equal(1);
        expect(r2!.status).to.equal(0);
      } finally {
        await ethers.provider.send("evm_setAutomine", [true]);
      }
      await expect(registry.connect(ch.issuer).issue(input))
        .to.be.revertedWithCustomError(registry, "Unauthorized")
        .withArgs(ch.issuer.address, Role.ISSUER, CH);
      expect((await stateOf(registry, idOfInput(input))).status).to.equal(Status.NONE);
    });

    it("a removed officer's earlier actions stay attributed to them, and their permits stay valid", async function () {
      const { registry, CH: ch, JP: jp } = await loadFixture(deployRegistryFixture);
      const input = await chExport();
      const permitId = idOfInput(input);
      await registry.connect(ch.issuer).issue(input);
      await registry.connect(ch.admin).removeOfficer(ch.issuer.address);

      const [event] = await registry.queryFilter(registry.filters.PermitIssued(permitId));
      expect(event!.args.officer).to.equal(ch.issuer.address);
      const byOfficer = await registry.queryFilter(registry.filters.PermitIssued(undefined, ch.issuer.address));
      expect(byOfficer.map((e) => e.args.permitId)).to.deep.equal([permitId]);
      const record = await recordFromChain(registry, permitId);
      expect(record.issuer).to.equal(ch.issuer.address);

      await expect(registry.connect(ch.customs).endorseExport(record, [1n, 1n])).to.emit(registry, "ExportEndorsed");
      await expect(registry.connect(jp.customs).use(permitId)).to.emit(registry, "ImportAccepted");
    });

    it("a removed officer may be registered again, with a new role and date", async function () {
      const { registry, CH: ch } = await loadFixture(deployRegistryFixture);
      const [, , , since] = await registry.accountOf(ch.issuer.address);
      await registry.connect(ch.admin).removeOfficer(ch.issuer.address);
      await time.increase(60);
      await expect(registry.connect(ch.admin).registerOfficer(ch.issuer.address, Role.CUSTOMS))
        .to.emit(registry, "OfficerRegistered")
        .withArgs(CH, ch.issuer.address, Role.CUSTOMS);
      const [, role, active, since2] = await registry.accountOf(ch.issuer.address);
      expect([Number(role), active]).to.deep.equal([Role.CUSTOMS, true]);
      expect(since2).to.be.greaterThan(since);
    });

    it("changing a country's admin deactivates the old admin; the officers it registered stay", async function () {
      const { registry, governance, CH: ch, spare } = await loadFixture(deployRegistryFixture);
      const next = spare[0]!;
      await expect(registry.connect(governance).changeCountryAdmin(CH, next.address))
        .to.emit(registry, "CountryAdminChanged")
        .withArgs(CH, ch.admin.address, next.address);
      expect((await registry.accountOf(ch.admin.address))[2]).to.equal(false);
      expect(await registry.isActive(ch.admin.address, Role.AUTHORITY_ADMIN, CH)).to.equal(false);
      expect(await registry.isActive(next.address, Role.AUTHORITY_ADMIN, CH)).to.equal(true);
      expect((await registry.countryOf(CH))[0]).to.equal(next.address);
      await expect(registry.connect(ch.admin).registerOfficer(spare[1]!.address, Role.ISSUER))
        .to.be.revertedWithCustomError(registry, "Unauthorized")
        .withArgs(ch.admin.address, Role.AUTHORITY_ADMIN, CH);
      expect(await registry.isActive(ch.issuer.address, Role.ISSUER, CH)).to.equal(true);
      await expect(registry.connect(next).removeOfficer(ch.issuer.address)).to.emit(registry, "OfficerRemoved");
    });

    it("one account holds one role in one country", async function () {
      const { registry, CH: ch, FR: fr, governance } = await loadFixture(deployRegistryFixture);
      await expect(registry.connect(fr.admin).registerOfficer(ch.customs.address, Role.ISSUER))
        .to.be.revertedWithCustomError(registry, "AccountAlreadyRegistered")
        .withArgs(ch.customs.address, CH, Role.CUSTOMS);
      await expect(registry.connect(governance).admitCountry(country("LK"), ch.issuer.address))
        .to.be.revertedWithCustomError(registry, "AccountAlreadyRegistered")
        .withArgs(ch.issuer.address, CH, Role.ISSUER);
      await expect(registry.connect(governance).changeCountryAdmin(CH, ch.admin.address))
        .to.be.revertedWithCustomError(registry, "AccountAlreadyRegistered")
        .withArgs(ch.admin.address, CH, Role.AUTHORITY_ADMIN);
    });

    it("only ISSUER and CUSTOMS can be registered as officers, never the zero address", async function () {
      const { registry, CH: ch, spare } = await loadFixture(deployRegistryFixture);
      for (const role of [Role.NONE, Role.AUTHORITY_ADMIN]) {
        await expect(registry.connect(ch.admin).registerOfficer(spare[0]!.address, role))
          .to.be.revertedWithCustomError(registry, "InvalidOfficerRole")
          .withArgs(role);
      }
      await expect(registry.connect(ch.admin).registerOfficer(ethers.ZeroAddress, Role.ISSUER)).to.be.revertedWithCustomError(registry, "ZeroAddress");
    });

    it("an admin can't remove itself, another country's officer, or an unknown account", async function () {
      const { registry, CH: ch, FR: fr, stranger } = await loadFixture(deployRegistryFixture);
      for (const account of [ch.admin.address, fr.issuer.address, stranger.address]) {
        await expect(registry.connect(ch.admin).removeOfficer(account))
          .to.be.revertedWithCustomError(registry, "OfficerNotFound")
          .withArgs(account, CH);
      }
      await registry.connect(ch.admin).removeOfficer(ch.issuer.address);
      await expect(registry.connect(ch.admin).removeOfficer(ch.issuer.address))
        .to.be.revertedWithCustomError(registry, "OfficerNotFound")
        .withArgs(ch.issuer.address, CH);
    });

    it("governance admits only well-formed, new country codes and acts only on admitted ones", async function () {
      const { registry, governance, spare } = await loadFixture(deployRegistryFixture);
      for (const code of ["0x6368", "0x4031", "0x5b41", "0x0000", "0x415b"]) {
        await expect(registry.connect(governance).admitCountry(code, spare[0]!.address))
          .to.be.revertedWithCustomError(registry, "InvalidCountryCode")
          .withArgs(code);
      }
      await expect(registry.connect(governance).admitCountry(CH, spare[0]!.address)).to.be.revertedWithCustomError(registry, "CountryAlreadyAdmitted").withArgs(CH);
      await expect(registry.connect(governance).admitCountry(country("AZ"), ethers.ZeroAddress)).to.be.revertedWithCustomError(registry, "ZeroAddress");
      for (const call of [
        () => registry.connect(governance).changeCountryAdmin(LK, spare[0]!.address),
        () => registry.connect(governance).suspendCountry(LK),
        () => registry.connect(governance).restoreCountry(LK),
      ]) {
        await expect(call()).to.be.revertedWithCustomError(registry, "CountryNotAdmitted").withArgs(LK);
      }
      await expect(registry.connect(governance).restoreCountry(CH)).to.be.revertedWithCustomError(registry, "CountryNotSuspended").withArgs(CH);
      await registry.connect(governance).suspendCountry(CH);
      await expect(registry.connect(governance).suspendCountry(CH)).to.be.revertedWithCustomError(registry, "CountrySuspendedError").withArgs(CH);
    });

    it("a suspended country's accounts regain their rights when it is restored", async function () {
      const { registry, governance, CH: ch } = await loadFixture(deployRegistryFixture);
      await registry.connect(governance).suspendCountry(CH);
      expect(await registry.isActive(ch.issuer.address, Role.ISSUER, CH)).to.equal(false);
      const input = await chExport();
      await expect(registry.connect(ch.issuer).issue(input)).to.be.revertedWithCustomError(registry, "Unauthorized").withArgs(ch.issuer.address, Role.ISSUER, CH);
      await registry.connect(governance).restoreCountry(CH);
      expect(await registry.isActive(ch.issuer.address, Role.ISSUER, CH)).to.equal(true);
      await expect(registry.connect(ch.issuer).issue(input)).to.emit(registry, "PermitIssued");
    });

    it("a suspended exporting country does not stop the importing country from accepting its permits", async function () {
      const { registry, governance, CH: ch, JP: jp } = await loadFixture(deployRegistryFixture);
      const input = await chExport();
      await registry.connect(ch.issuer).issue(input);
      await registry.connect(ch.customs).endorseExport(await recordFromChain(registry, idOfInput(input)), [1n, 1n]);
      await registry.connect(governance).suspendCountry(CH);
      await expect(registry.connect(jp.customs).use(idOfInput(input))).to.emit(registry, "ImportAccepted");
    });

    it("permit operations on an unknown permit fail with PermitNotFound before any role check", async function () {
      const { registry, stranger } = await loadFixture(deployRegistryFixture);
      const unknown = permitIdOf("CH", "nope");
      const input = await chExport();
      const record: PermitRecordStruct = {
        permitId: unknown, documentHash: input.documentHash, docType: 0, exportingCountry: CH, importingCountry: JP,
        validUntil: input.terms >> 40n, issuedAt: 1n, issuer: stranger.address, importPermitId: ZERO32,
        originPermitId: ZERO32, replacesPermitId: ZERO32, authorised: input.quantities, exported: [],
      };
      const replacement = await chExport();
      for (const call of [
        () => registry.connect(stranger).endorseExport(record, [1n, 1n]),
        () => registry.connect(stranger).use(unknown),
        () => registry.connect(stranger).cancel(unknown, CancelReason.LOST),
        () => registry.connect(stranger).replace(unknown, replacement),
        () => registry.connect(stranger).recordNonCompliance(unknown, NonComplianceReason.OTHER),
      ]) {
        await expect(call()).to.be.revertedWithCustomError(registry, "PermitNotFound").withArgs(unknown);
      }
    });
  });
});
