import { expect } from "chai";
import { createPublicClient, http } from "viem";
import { repeatedFailures } from "../../src/service/repeatedFailures";

describe("the log of a loop's failures", () => {
  it("says a failure once, on one line; the same again once a minute with its count; and when it works again", async () => {
    // A real viem error: a node that is not there (nothing listens on port 9 of loopback).
    const client = createPublicClient({ transport: http("http://127.0.0.1:9", { retryCount: 0, timeout: 2_000 }) });
    const down = await client.getBlockNumber().then(() => expect.fail("port 9 answered"), (e: unknown) => e as Error);
    expect(down.message.split("\n").length, "viem's message is a dump of several lines").to.be.above(2);

    const { shortMessage, details } = down as Error & { shortMessage: string; details: string };
    const line = `${shortMessage} (${details})`; // "HTTP request failed. (fetch failed)": what failed, and why
    expect(details).to.be.a("string").and.not.equal("");
    const lines: string[] = [];
    let t = Date.parse("2026-12-04T10:00:00Z");
    const failures = repeatedFailures("indexer", (l) => lines.push(l), () => t);
    failures.succeeded(); // nothing failed: nothing to say
    for (let i = 0; i < 100; i++, t += 500) failures.failed(down); // 50 s of a chain that is down
    expect(lines).to.deep.equal([`indexer: ${line}`]);
    expect(lines[0]).to.not.contain("\n");
    t += 10_000;
    failures.failed(down);
    expect(lines[1]).to.equal(`indexer: still failing (101 times since 2026-12-04T10:00:00.000Z): ${line}`);
    failures.failed(new Error("another reason\nwith details"));
    expect(lines[2]).to.equal("indexer: another reason");
    failures.succeeded();
    expect(lines[3]).to.equal("indexer: works again (it failed 102 times since 2026-12-04T10:00:00.000Z)");
    failures.succeeded();
    expect(lines).to.have.length(4);
  });
});
