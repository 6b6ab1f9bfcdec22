import { expect } from "chai";
import { createHash } from "node:crypto";
import { generateToken, hashToken, isWellFormedToken, parseBearerToken, verifyToken } from "../../../src/service/auth/tokens";

describe("bearer tokens", () => {
  it("are 32 random bytes, base64url, prefixed prt_, and stored as their SHA-256 only", () => {
    const { token, tokenHash } = generateToken();
    expect(token).to.match(/^prt_[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(token.slice(4), "base64url")).to.have.length(32);
    expect(tokenHash).to.equal(createHash("sha256").update(token).digest("hex"));
    expect(tokenHash).to.not.contain(token.slice(4));
    expect(generateToken().token).to.not.equal(token);
  });

  it("verify against the stored hash, and nothing else does", () => {
    const { token, tokenHash } = generateToken();
    expect(verifyToken(token, tokenHash)).to.equal(true);
    expect(verifyToken(generateToken().token, tokenHash)).to.equal(false);
    expect(verifyToken(`${token}x`, tokenHash)).to.equal(false);
    expect(verifyToken(token, "nothex")).to.equal(false);
    expect(hashToken(token)).to.equal(tokenHash);
  });

  it("refuse to hash something that is not a token", () => {
    expect(() => hashToken("prt_short")).to.throw().with.property("name", "MalformedTokenError");
    expect(isWellFormedToken("Bearer abc")).to.equal(false);
  });

  it("are read from an Authorization header", () => {
    const { token } = generateToken();
    expect(parseBearerToken(`Bearer ${token}`)).to.equal(token);
    expect(parseBearerToken(`bearer  ${token} `)).to.equal(token);
    expect(parseBearerToken(undefined)).to.equal(undefined);
    expect(parseBearerToken(`Basic ${token}`)).to.equal(undefined);
    expect(() => parseBearerToken("Bearer not-a-token")).to.throw().with.property("name", "MalformedTokenError");
  });
});
