/**
 * GET /openapi.json: a valid OpenAPI 3.1 document (checked against the specification's own
 * schema), and every operation it describes is one the service routes.
 */
import { Validator } from "@seriousme/openapi-schema-validator";
import { expect } from "chai";
import { dumpLogsOnFailure, expectProblem, startTestService, type TestService } from "./harness";

describe("OpenAPI document", function () {
  this.timeout(60_000);
  let svc: TestService;

  before(async () => {
    svc = await startTestService();
  });
  after(async () => {
    await svc?.stop();
  });
  afterEach(dumpLogsOnFailure(() => svc));

  it("is valid OpenAPI 3.1", async () => {
    const res = await svc.api.get("/openapi.json");
    expect(res.status).to.equal(200);
    const validator = new Validator();
    const result = await validator.validate(res.body);
    expect(validator.version).to.equal("3.1");
    expect(result.errors ?? [], JSON.stringify(result.errors, null, 1)).to.deep.equal([]);
    expect(result.valid).to.equal(true);
  });

  it("describes the lifecycle bodies the routes parse: strict, with their required fields and codes", async () => {
    const document = (await svc.api.get("/openapi.json")).body as { paths: Record<string, { post: { requestBody: { required: boolean; content: Record<string, { schema: any }> } } }> };
    const body = (route: string) => {
      const { requestBody } = document.paths[route]!.post;
      expect(requestBody.required, route).to.equal(true);
      return requestBody.content["application/json"]!.schema;
    };
    const endorsement = body("/permits/{id}/endorsements");
    expect(endorsement).to.deep.include({ type: "object", required: ["items"], additionalProperties: false });
    expect(endorsement.properties.items.items).to.deep.include({ required: ["line", "quantity"], additionalProperties: false });
    expect(Object.keys(endorsement.properties)).to.have.members(["items", "transportDocument", "port"]);
    const cancel = body("/permits/{id}/cancel");
    expect(cancel).to.deep.include({ required: ["reason"], additionalProperties: false });
    expect(cancel.properties.reason.enum).to.have.members(["LOST", "STOLEN", "DAMAGED", "WRONGLY_ISSUED", "WITHDRAWN", "OTHER"]);
    const notice = body("/permits/{id}/non-compliance");
    expect(notice).to.deep.include({ required: ["reason"], additionalProperties: false });
    expect(notice.properties.reason.enum).to.include("QUANTITY_MISMATCH").and.not.include("NONE");
    expect(notice.properties.note).to.deep.include({ type: "string", maxLength: 2000 });
  });

  it("describes only operations the service routes: without a token each protected one asks for one, with a token none is unknown", async () => {
    const document = (await svc.api.get("/openapi.json")).body as { servers: { url: string }[]; paths: Record<string, Record<string, { security?: unknown[] }>> };
    const base = document.servers[0]!.url;
    const operations = Object.entries(document.paths).flatMap(([route, methods]) => Object.entries(methods).map(([method, op]) => ({ method, route, op })));
    expect(operations.length).to.be.above(15);
    for (const { method, route, op } of operations) {
      const url = base + route.replace("{id}", `0x${"0".repeat(64)}`).replace("{officerId}", "00000000-0000-0000-0000-000000000000");
      const body = method === "get" || method === "delete" ? {} : { json: {} };
      const anonymous = await svc.api.request(method.toUpperCase(), url, body);
      if (op.security?.length) expectProblem(anonymous, 401);
      // An admin's token passes authentication everywhere: what is left is the route's own answer
      // (a 404 for the zero id is the route's; an unknown route says "No resource at").
      const res = op.security?.length ? await svc.api.request(method.toUpperCase(), url, { ...body, token: svc.creds.CH.admin }) : anonymous;
      expect(res.status, `${method.toUpperCase()} ${route}`).to.not.equal(405);
      expect(res.text, `${method.toUpperCase()} ${route} → ${res.status}`).to.not.contain("No resource at");
    }
  });
});
