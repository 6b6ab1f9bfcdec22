/** The error middleware over real HTTP: a tiny app whose routes throw each kind of error. */
import { expect } from "chai";
import express from "express";
import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import { InvalidPermitDocumentError } from "../../../src/sdk/document/errors";
import { PermitRegistryError } from "../../../src/sdk/errors";
import { permitIdOf } from "../../../src/sdk/ids";
import {
  ConflictError,
  ForbiddenError,
  InvalidRequestError,
  NotFoundError,
  PayloadTooLargeError,
  RateLimitedError,
  UnauthenticatedError,
} from "../../../src/service/http/errors";
import { errorMiddleware, notFoundHandler, PROBLEM_CONTENT_TYPE } from "../../../src/service/http/problem";
import { DuplicatePermitError } from "../../../src/service/store/errors";

/** Shaped like the SDK's contract-revert errors: a `kind`, wrapped by whoever called the chain. */
class FakeRevertError extends PermitRegistryError {
  override readonly name = "FakeRevertError" as const;
  constructor(readonly kind: string) {
    super(`reverted: ${kind}`);
  }
}
class WrappingError extends PermitRegistryError {
  override readonly name = "WrappingError" as const;
}

describe("problem+json error middleware", () => {
  let server: Server;
  let base: string;
  const logged: { message: string; context: Record<string, unknown> }[] = [];

  before(async () => {
    const app = express();
    app.use((_req, res, next) => {
      res.locals.requestId = "req-1";
      next();
    });
    app.use(express.json({ limit: "1kb" }));
    const throwing: Record<string, () => unknown> = {
      invalid: () => {
        throw new InvalidPermitDocumentError([
          { path: "items[0].quantity", rule: "quantity.maxDecimals3", message: "has more than 3 decimals" },
          { path: "validUntil", rule: "field.required", message: "is required" },
        ]);
      },
      request: () => {
        throw new InvalidRequestError("The query is invalid.", [{ path: "year", rule: "type.invalid", message: "must be a number" }]);
      },
      unauthenticated: () => {
        throw new UnauthenticatedError();
      },
      forbidden: () => {
        throw new ForbiddenError("Customs of FR cannot endorse a CH export.");
      },
      missing: () => {
        throw new NotFoundError("No permit 0x01.");
      },
      conflict: () => {
        throw new ConflictError("The permit is already endorsed.");
      },
      duplicate: () => {
        throw new DuplicatePermitError("CH", "26CH000123");
      },
      large: () => {
        throw new PayloadTooLargeError(1024);
      },
      limited: () => {
        throw new RateLimitedError(2.5);
      },
      "kind-forbidden": () => {
        throw new FakeRevertError("forbidden");
      },
      "kind-conflict": () => {
        throw new WrappingError("write failed", { cause: new FakeRevertError("conflict") });
      },
      "kind-notFound": () => {
        throw new FakeRevertError("notFound");
      },
      "kind-invalid": () => {
        throw new FakeRevertError("invalid");
      },
      "kind-other": () => {
        throw new FakeRevertError("somethingElse");
      },
      bug: () => {
        throw new TypeError("cannot read properties of undefined (reading 'secret internals')");
      },
    };
    app.get("/throw/:what", async (req) => {
      await Promise.resolve();
      throwing[req.params.what]!();
    });
    app.post("/echo", (req, res) => {
      res.status(201).json(req.body);
    });
    app.use(notFoundHandler());
    app.use(errorMiddleware({ logger: { error: (message, context) => logged.push({ message, context }) } }));
    server = app.listen(0, "127.0.0.1");
    await new Promise((resolve) => server.once("listening", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  after(() => new Promise((resolve) => server.close(resolve)));

  async function problemAt(path: string, init?: RequestInit) {
    const res = await fetch(base + path, init);
    expect(res.headers.get("content-type")).to.contain(PROBLEM_CONTENT_TYPE);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body.status).to.equal(res.status);
    expect(body).to.include.keys("type", "title", "detail");
    expect(body.requestId).to.equal("req-1");
    return { res, body };
  }

  it("answers an invalid permit document with 422 and every field path and rule", async () => {
    const { res, body } = await problemAt("/throw/invalid");
    expect(res.status).to.equal(422);
    expect(body.type).to.equal("/problems/invalid-document");
    expect(body.errors).to.deep.equal([
      { path: "items[0].quantity", rule: "quantity.maxDecimals3", message: "has more than 3 decimals" },
      { path: "validUntil", rule: "field.required", message: "is required" },
    ]);
  });

  it("answers a malformed JSON body with 400", async () => {
    const { res, body } = await problemAt("/echo", { method: "POST", headers: { "content-type": "application/json" }, body: '{"a":' });
    expect(res.status).to.equal(400);
    expect(body.detail).to.equal("The request body is not valid JSON.");
  });

  it("answers an invalid request with 400 and its issues", async () => {
    const { res, body } = await problemAt("/throw/request");
    expect(res.status).to.equal(400);
    expect(body.errors).to.deep.equal([{ path: "year", rule: "type.invalid", message: "must be a number" }]);
  });

  it("answers a body over the parser's limit with 413", async () => {
    const { res, body } = await problemAt("/echo", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ pad: "x".repeat(2000) }) });
    expect(res.status).to.equal(413);
    expect(body.detail).to.equal("The request body is larger than 1024 bytes.");
    expect((await problemAt("/throw/large")).res.status).to.equal(413);
  });

  it("answers 401 with a Bearer challenge, 403, 404 and 409 for the typed service errors", async () => {
    const unauthenticated = await problemAt("/throw/unauthenticated");
    expect(unauthenticated.res.status).to.equal(401);
    expect(unauthenticated.res.headers.get("www-authenticate")).to.match(/^Bearer /);
    const forbidden = await problemAt("/throw/forbidden");
    expect([forbidden.res.status, forbidden.body.detail]).to.deep.equal([403, "Customs of FR cannot endorse a CH export."]);
    expect((await problemAt("/throw/missing")).res.status).to.equal(404);
    expect((await problemAt("/throw/conflict")).res.status).to.equal(409);
  });

  it("answers 429 with Retry-After in whole seconds", async () => {
    const { res } = await problemAt("/throw/limited");
    expect(res.status).to.equal(429);
    expect(res.headers.get("retry-after")).to.equal("3");
  });

  it("maps errors carrying a kind (SDK reverts, store conflicts), also through a cause chain", async () => {
    expect((await problemAt("/throw/kind-forbidden")).res.status).to.equal(403);
    const conflict = await problemAt("/throw/kind-conflict");
    expect([conflict.res.status, conflict.body.detail]).to.deep.equal([409, "reverted: conflict"]);
    expect((await problemAt("/throw/kind-notFound")).res.status).to.equal(404);
    expect((await problemAt("/throw/kind-invalid")).res.status).to.equal(422);
    const duplicate = await problemAt("/throw/duplicate");
    const existing = permitIdOf("CH", "26CH000123");
    expect([duplicate.res.status, duplicate.body.detail]).to.deep.equal([409, `A permit numbered 26CH000123 already exists for CH (${existing}).`]);
    expect(duplicate.body.permitId, "names the permit that has the number").to.equal(existing);
  });

  it("answers anything unknown with a generic 500 and logs it in full", async () => {
    logged.length = 0;
    for (const what of ["bug", "kind-other"]) {
      const { res, body } = await problemAt(`/throw/${what}`);
      expect(res.status).to.equal(500);
      expect(JSON.stringify(body)).to.not.contain("secret internals");
    }
    expect(logged).to.have.length(2);
    expect(logged[0]!.context).to.include({ method: "GET", path: "/throw/bug", requestId: "req-1" });
    expect((logged[0]!.context.err as Error).message).to.contain("secret internals");
  });

  it("answers an unknown route with 404, and lets good requests through untouched", async () => {
    const { res } = await problemAt("/nowhere");
    expect(res.status).to.equal(404);
    const ok = await fetch(`${base}/echo`, { method: "POST", headers: { "content-type": "application/json" }, body: '{"a":1}' });
    expect(ok.status).to.equal(201);
    expect(await ok.json()).to.deep.equal({ a: 1 });
  });
});
