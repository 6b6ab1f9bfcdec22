import { expect } from "chai";
import path from "node:path";
import { serviceEnv, shellWord } from "../../src/cli/network";

describe("network up / network deploy: the line to start the service", () => {
  it("names DEPLOYMENTS_DIR when the record is not under ./deployments, as the service needs to find it", () => {
    expect(serviceEnv("http://127.0.0.1:8545", "poa-local", "deployments")).to.equal("RPC_URL=http://127.0.0.1:8545 DEPLOYMENT=poa-local");
    expect(serviceEnv("http://127.0.0.1:8545", "poa-local", path.resolve("deployments"))).to.equal("RPC_URL=http://127.0.0.1:8545 DEPLOYMENT=poa-local");
    expect(serviceEnv("http://127.0.0.1:28545", "poa-four", "/tmp/review/deps")).to.equal(`RPC_URL=http://127.0.0.1:28545 DEPLOYMENT=poa-four DEPLOYMENTS_DIR=/tmp/review/deps`);
    expect(serviceEnv("http://127.0.0.1:8545", "x", "records")).to.equal("RPC_URL=http://127.0.0.1:8545 DEPLOYMENT=x DEPLOYMENTS_DIR=records");
  });

  it("quotes a path a shell would split or expand", () => {
    expect(shellWord(".networks/poa-local/keys.json")).to.equal(".networks/poa-local/keys.json");
    expect(shellWord("/home/me/My Networks/keys.json")).to.equal("'/home/me/My Networks/keys.json'");
    expect(shellWord("it's")).to.equal(`'it'\\''s'`);
    expect(serviceEnv("http://127.0.0.1:8545", "x", "/tmp/my deps")).to.equal("RPC_URL=http://127.0.0.1:8545 DEPLOYMENT=x DEPLOYMENTS_DIR='/tmp/my deps'");
  });
});
