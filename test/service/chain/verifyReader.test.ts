/**
 * A node that accepts connections but never answers (a hung or paused node) holds a verification
 * for one attempt of VERIFY_CHAIN_TIMEOUT_MS, not for the retries the service's other reads make:
 * a customs officer is told CHAIN_UNREACHABLE within seconds.
 */
import { expect } from "chai";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Hex } from "viem";
import { ChainUnreachableError, decodeRegistryError, type DeploymentRecord } from "../../../src/sdk/chain";
import { ChainGateway, VERIFY_CHAIN_TIMEOUT_MS } from "../../../src/service/domain/chainGateway";

describe("the verification reader against a node that never answers", function () {
  this.timeout(60_000);
  let server: Server;
  let requests = 0;
  let gateway: ChainGateway;

  before(async () => {
    server = createServer((req) => {
      requests++;
      req.resume(); // read the request, never answer
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const deployment = { chainId: 31337, network: "hung", registry: { address: `0x${"11".repeat(20)}`, blockNumber: 1 } } as unknown as DeploymentRecord;
    gateway = new ChainGateway({ rpcUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, deployment });
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it("gives up after one attempt of VERIFY_CHAIN_TIMEOUT_MS, as unreachable (the service's own reader, for its other work, tries again)", async () => {
    const id = `0x${"ab".repeat(32)}` as Hex;
    requests = 0;
    const started = performance.now();
    const err = await gateway.verifyReader.permitState(id).then(() => undefined, (e: unknown) => e);
    const waited = performance.now() - started;
    expect(decodeRegistryError(err)).to.be.instanceOf(ChainUnreachableError);
    expect(requests, "one attempt").to.equal(1);
    expect(waited).to.be.at.least(VERIFY_CHAIN_TIMEOUT_MS - 100); // its timeout, not a refused connection
  });
});
