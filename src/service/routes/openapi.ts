/** The OpenAPI 3.1 description served at GET /openapi.json, and a plain HTML page at /docs. */
import { PERMIT_STATUSES } from "../store/types";
import { cancelBody, endorsementBody, jsonSchemaOf, nonComplianceBody } from "./lifecycleBodies";
import { addOfficerBody } from "./officers";
const problem = { $ref: "#/components/responses/Problem" };
const id = { name: "id", in: "path", required: true, schema: { type: "string", pattern: "^0x[0-9a-f]{64}$" }, description: "The permit id (hex)" };
const auth = [{ bearer: [] }];
const errors = (...codes: number[]) => Object.fromEntries(codes.map((c) => [String(c), problem]));
/** A required JSON request body, described by the zod schema the route parses it with. */
const jsonBody = (schema: Parameters<typeof jsonSchemaOf>[0]) => ({ required: true, content: { "application/json": { schema: jsonSchemaOf(schema) } } });
const permitOut = { description: "the permit", content: { "application/json": { schema: { $ref: "#/components/schemas/Permit" } } } };

export const openApiDocument = {
  openapi: "3.1.0",
  info: {
    title: "permit-registry",
    version: "1.0.0",
    description:
      "Anchor CITES permits and ePhyto certificates on a proof-of-authority chain, and verify them. Errors are RFC 9457 problem+json with honest statuses. Officers authenticate with `Authorization: Bearer <token>`.",
  },
  servers: [{ url: "/api/v1" }],
  components: {
    securitySchemes: { bearer: { type: "http", scheme: "bearer" } },
    responses: {
      Problem: {
        description: "A problem (RFC 9457)",
        content: {
          "application/problem+json": {
            schema: {
              type: "object",
              required: ["type", "title", "status", "detail"],
              properties: {
                type: { type: "string" }, title: { type: "string" }, status: { type: "integer" }, detail: { type: "string" },
                errors: {
                  type: "array",
                  description: "Field-level reasons (400, 422): the field's path, the rule it breaks, what is wrong",
                  items: { type: "object", required: ["path", "rule", "message"], properties: { path: { type: "string" }, rule: { type: "string" }, message: { type: "string" } } },
                },
                requestId: { type: "string", description: "The request's id (also in the X-Request-Id header): quote it when reporting a problem" },
              },
            },
          },
        },
      },
    },
    schemas: {
      PermitDocument: {
        type: "object",
        description: "A permit document in the shape of the domain samples (see docs/document-hashing.md for every rule).",
        required: ["documentType", "permitNumber", "issuingCountry", "issuedOn", "validUntil", "exporter", "importer", "items"],
        properties: {
          documentType: { enum: ["CITES_EXPORT_PERMIT", "CITES_IMPORT_PERMIT", "CITES_REEXPORT_CERTIFICATE", "CITES_OTHER_CERTIFICATE", "EPHYTO_CERTIFICATE"] },
          permitNumber: { type: "string" }, issuingCountry: { type: "string", pattern: "^[A-Z]{2}$" },
          issuedOn: { type: "string", format: "date" }, validUntil: { type: "string", format: "date" },
          exporter: { type: "object" }, importer: { type: "object" }, items: { type: "array", items: { type: "object" } },
        },
      },
      Permit: {
        type: "object",
        properties: {
          permitId: { type: "string" }, permitNumber: { type: "string" }, status: { enum: ["PENDING", "ISSUED", "ENDORSED", "USED", "CANCELLED", "REPLACED", "FAILED"] },
          failureReason: { type: ["string", "null"] }, documentHash: { type: "string" }, lines: { type: "array" }, history: { type: "array" },
          exportShipment: {
            description: "Box 14 as customs gave it with the export endorsement (kept off chain); null before the endorsement",
            type: ["object", "null"], properties: { transportDocument: { type: ["string", "null"] }, port: { type: ["string", "null"] } },
          },
          links: { type: "object", properties: { self: { type: "string" }, qrPng: { type: "string" }, qrSvg: { type: "string" }, pdf: { type: "string" } } },
        },
      },
      BatchAnswer: {
        type: "object",
        required: ["accepted", "rejected", "results"],
        properties: {
          accepted: { type: "integer" }, rejected: { type: "integer" },
          results: { type: "array", items: { type: "object", required: ["index", "status"], properties: { index: { type: "integer" }, status: { type: "integer" }, permit: { $ref: "#/components/schemas/Permit" }, problem: { type: "object", description: "a problem (RFC 9457), as an error answer carries it" } } } },
        },
      },
      Verification: {
        type: "object",
        properties: {
          verdict: { enum: ["VALID", "TAMPERED", "UNTRUSTED_SIGNER", "NOT_ANCHORED", "CANCELLED", "REPLACED", "EXPIRED", "ALREADY_USED", "MALFORMED", "CHAIN_UNREACHABLE"] },
          mode: { enum: ["online", "offline"] }, checks: { type: "object" }, lines: { type: "array" }, history: { type: "array" }, asOf: { type: "object" },
        },
      },
    },
  },
  paths: {
    "/health": { get: { summary: "200 when the chain and the store answer", responses: { "200": { description: "chain id, head block, outbox depth, the block the indexer has recorded up to and whether its last sync failed" }, "503": problem } } },
    "/permits": {
      post: {
        summary: "Issue a permit (or `{ permits: [...] }` for a batch); anchored by the outbox, PENDING until mined",
        security: auth,
        parameters: [{ name: "Idempotency-Key", in: "header", schema: { type: "string", maxLength: 200 } }],
        requestBody: { required: true, content: { "application/json": { schema: { oneOf: [{ $ref: "#/components/schemas/PermitDocument" }, { type: "object", properties: { permits: { type: "array", maxItems: 500 } } }] } } } },
        responses: {
          "201": {
            description: "the permit; for a batch, `{ accepted, rejected, results: [{ index, status, permit | problem }] }` with every permit accepted",
            content: { "application/json": { schema: { oneOf: [{ $ref: "#/components/schemas/Permit" }, { $ref: "#/components/schemas/BatchAnswer" }] } } },
          },
          "207": { description: "a batch with one or more permits rejected; each result has its own status", content: { "application/json": { schema: { $ref: "#/components/schemas/BatchAnswer" } } } },
          ...errors(400, 401, 403, 409, 413, 415, 422),
        },
      },
      get: { summary: "List and search the officer's country's permits", security: auth, parameters: [
          { name: "status", in: "query", description: `Comma-separated, any case: ${PERMIT_STATUSES.join(", ")}`, schema: { type: "string" } },
          { name: "q", in: "query", description: "Text the permit number or a value of the document contains (ignoring case and accents; field names do not match); pages are pages of matches", schema: { type: "string", maxLength: 200 } },
          { name: "cursor", in: "query", description: "`nextCursor` of the previous page", schema: { type: "string" } },
          { name: "limit", in: "query", schema: { type: "integer", minimum: 1, maximum: 500, default: 50 } },
        ], responses: { "200": { description: "a page, newest first: `items` and `nextCursor` (null on the last page)" }, ...errors(400, 401) } },
    },
    "/permits/{id}": { get: { summary: "The permit: status, lines, history, links", security: auth, parameters: [id], responses: { "200": permitOut, ...errors(401, 404) } } },
    "/permits/{id}/qr.png": { get: { summary: "The permit's QR code (PNG)", security: auth, parameters: [id], responses: { "200": { description: "image/png" }, ...errors(401, 404) } } },
    "/permits/{id}/qr.svg": { get: { summary: "The permit's QR code (SVG)", security: auth, parameters: [id], responses: { "200": { description: "image/svg+xml" }, ...errors(401, 404) } } },
    "/permits/{id}/pdf": { get: { summary: "The permit as a PDF laid out like the CITES form, with its QR", security: auth, parameters: [id], responses: { "200": { description: "application/pdf" }, ...errors(401, 404) } } },
    "/permits/{id}/endorsements": { post: { summary: "Customs of the exporting country endorse the export with the quantities that left", security: auth, parameters: [id], requestBody: jsonBody(endorsementBody), responses: { "201": permitOut, ...errors(400, 401, 403, 404, 409, 413, 415, 422, 503) } } },
    "/permits/{id}/use": { post: { summary: "An officer of the importing country accepts the import (no request body)", security: auth, parameters: [id], responses: { "200": permitOut, ...errors(400, 401, 403, 404, 409, 413, 415, 503) } } },
    "/permits/{id}/cancel": { post: { summary: "Cancel before use", security: auth, parameters: [id], requestBody: jsonBody(cancelBody), responses: { "200": permitOut, ...errors(400, 401, 403, 404, 409, 413, 415, 503) } } },
    "/permits/{id}/replace": { post: { summary: "Issue a replacement naming this permit", security: auth, parameters: [id], requestBody: { content: { "application/json": { schema: { $ref: "#/components/schemas/PermitDocument" } } } }, responses: { "201": permitOut, ...errors(400, 401, 403, 404, 409, 413, 415, 422, 503) } } },
    "/permits/{id}/non-compliance": { post: { summary: "The importing country records a notice of non-compliance", security: auth, parameters: [id], requestBody: jsonBody(nonComplianceBody), responses: { "201": permitOut, ...errors(400, 401, 403, 404, 409, 413, 415, 503) } } },
    "/verify": { post: { summary: "Verify a permit (public): QR text, verify URL, or an image", requestBody: { content: { "application/json": { schema: { type: "object", properties: { qr: { type: "string" } } } }, "multipart/form-data": { schema: { type: "object", properties: { image: { type: "string", format: "binary" } } } } } }, responses: { "200": { description: "the verification (unreadable input: verdict MALFORMED)", content: { "application/json": { schema: { $ref: "#/components/schemas/Verification" } } } }, ...errors(400, 413, 415, 429) } } },
    "/reports/annual": { get: { summary: "CITES annual report rows with actual exported quantities", security: auth, parameters: [{ name: "country", in: "query", description: "ISO 3166-1 alpha-2; the officer's own (the default)", schema: { type: "string", pattern: "^[A-Za-z]{2}$" } }, { name: "year", in: "query", description: "default: this year", schema: { type: "integer", minimum: 1975, maximum: 2200 } }, { name: "format", in: "query", schema: { enum: ["json", "csv"] } }, { name: "basis", in: "query", description: "`issued`: every permit issued (the default); `traded`: only those whose export was endorsed (what actually left)", schema: { enum: ["issued", "traded"], default: "issued" } }], responses: { "200": { description: "rows" }, ...errors(400, 401, 403) } } },
    "/reports/summary": { get: { summary: "Counts over all of the officer's country's permits: total, by status, per month (the last 12), top 10 trade partners", security: auth, responses: { "200": { description: "`{ country, total, byStatus, byMonth: [{ month, permits }], partners: [{ country, permits }] }`" }, ...errors(401) } } },
    "/officers": {
      get: {
        summary: "The admin's country's officers",
        security: auth,
        parameters: [{ name: "includeRemoved", in: "query", description: "`true` lists removed officers too (any other value: active ones only)", schema: { type: "boolean", default: false } }],
        responses: { "200": { description: "`{ items: [officer, …] }`" }, ...errors(401, 403) },
      },
      post: {
        summary: "Add an officer (own key, on-chain role, token returned once)",
        security: auth,
        requestBody: jsonBody(addOfficerBody),
        responses: { "201": { description: "officer and token" }, ...errors(400, 401, 403, 409, 413, 415, 503) },
      },
    },
    "/officers/{officerId}": { delete: { summary: "Remove an officer: token and on-chain role revoked at once", security: auth, parameters: [{ name: "officerId", in: "path", required: true, schema: { type: "string" } }], responses: { "200": { description: "The removed officer, and `unanchoredPermits`: how many permits it issued were still waiting to be anchored (they end FAILED, saying why: issue them again with another issuer)" }, ...errors(401, 403, 404, 503) } } },
    "/audit": { get: { summary: "The admin's country's audit log (JSON or CSV)", security: auth, parameters: [{ name: "format", in: "query", schema: { enum: ["json", "csv"] } }, { name: "from", in: "query", description: "ISO 8601 date (midnight UTC) or date-time with its offset, inclusive", schema: { type: "string" } }, { name: "to", in: "query", description: "ISO 8601 date or time, exclusive", schema: { type: "string" } }], responses: { "200": { description: "entries" }, ...errors(400, 401, 403) } } },
    "/me": { get: { summary: "The officer the bearer token belongs to (name, role, country)", security: auth, responses: { "200": { description: "officer" }, ...errors(401) } } },
    "/trust-list": { get: { summary: "The officers trust list snapshot for offline verification", responses: { "200": { description: "snapshot" }, "503": problem } } },
  },
} as const;

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

/** A readable page listing every operation, built from the document (no external assets). */
export function docsPage(): string {
  const rows = Object.entries(openApiDocument.paths)
    .flatMap(([path, ops]) =>
      Object.entries(ops as Record<string, { summary: string; security?: unknown; responses: Record<string, unknown> }>).map(
        ([method, op]) =>
          `<tr><td><code>${method.toUpperCase()}</code></td><td><code>/api/v1${escapeHtml(path)}</code></td><td>${escapeHtml(op.summary)}</td><td>${op.security ? "officer token" : "public"}</td><td>${Object.keys(op.responses).join(", ")}</td></tr>`,
      ),
    )
    .join("\n");
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>permit-registry API</title>
<style>body{font-family:system-ui,sans-serif;margin:1.5rem;max-width:70rem}table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #ccc;padding:.4rem;text-align:left;vertical-align:top}code{font-size:.9em}</style></head>
<body><h1>permit-registry REST API</h1><p>${escapeHtml(openApiDocument.info.description)}</p><p>Machine-readable: <a href="/openapi.json">/openapi.json</a> (OpenAPI 3.1).</p>
<table><thead><tr><th>method</th><th>path</th><th>what</th><th>auth</th><th>statuses</th></tr></thead><tbody>${rows}</tbody></table></body></html>`;
}
