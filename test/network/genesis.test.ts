import { expect } from "chai";
import { cliqueExtraData, cliqueGenesis, sortSigners } from "../../src/network/genesis";
import { enodeOf } from "../../src/network/keys";
import { portsOf } from "../../src/network/node";

const A = "0x00000000000000000000000000000000000000aa" as const;
const B = "0xBBbBBBBbbBBBbbbBbbBbbbbBBbBbbbbBbBbbBBbB" as const;
const C = "0x0000000000000000000000000000000000000C0c" as const;

describe("Clique genesis for the local PoA network (no geth needed)", function () {
  it("extraData is 32 zero bytes, the signers sorted ascending, then 65 zero bytes", function () {
    const extra = cliqueExtraData([B, A, C]);
    expect(extra.length).to.equal(2 + 2 * (32 + 3 * 20 + 65));
    expect(extra.slice(2, 66)).to.equal("00".repeat(32));
    expect(extra.slice(66, 66 + 120)).to.equal([A, C, B].map((a) => a.slice(2).toLowerCase()).join(""));
    expect(extra.slice(66 + 120)).to.equal("00".repeat(65));
    expect(sortSigners([B, A, C]).map((a) => a.toLowerCase())).to.deep.equal([A, C, B].map((a) => a.toLowerCase()));
  });

  it("activates every fork up to London at block 0 and nothing after (Clique refuses Shanghai)", function () {
    const g = cliqueGenesis({ chainId: 1973, periodSeconds: 1, gasLimit: 30_000_000n, signers: [A], alloc: { [B]: 10n ** 24n } });
    expect(g.config.londonBlock).to.equal(0);
    expect(g.config).not.to.have.any.keys("shanghaiTime", "cancunTime", "pragueTime", "terminalTotalDifficulty");
    expect(g.config.clique).to.deep.equal({ period: 1, epoch: 30_000 });
    expect(g.config.chainId).to.equal(1973);
    expect(g.gasLimit).to.equal("0x1c9c380");
    expect(g.alloc).to.deep.equal({ [B.slice(2).toLowerCase()]: { balance: "0xd3c21bcecceda1000000" } });
  });

  it("refuses a network without signers", function () {
    expect(() => cliqueGenesis({ chainId: 1, periodSeconds: 1, gasLimit: 1n, signers: [], alloc: {} })).to.throw(RangeError);
  });

  it("gives node i distinct ports and a deterministic enode from its node key", function () {
    expect(portsOf(8545, 2)).to.deep.equal({ httpPort: 8547, p2pPort: 9547, authRpcPort: 10547 });
    const key = `0x${"11".repeat(32)}` as const;
    expect(enodeOf(key, 9545)).to.match(/^enode:\/\/[0-9a-f]{128}@127\.0\.0\.1:9545\?discport=0$/);
    expect(enodeOf(key, 9545)).to.equal(enodeOf(key, 9545));
  });
});
