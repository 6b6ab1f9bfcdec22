import { expect } from "chai";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { RULES } from "../../../src/sdk/document";

const DOC = readFileSync(join(__dirname, "../../../docs/document-hashing.md"), "utf8");

describe("docs/document-hashing.md", () => {
  it("tables exactly the rule codes the validator uses, with their meanings", () => {
    const rows = [...DOC.matchAll(/^\| `([a-zA-Z0-9]+\.[a-zA-Z0-9]+)` \| (.*) \|$/gm)].map((m) => [m[1], m[2]]);
    expect(rows).to.deep.equal(Object.entries(RULES));
  });
});
