import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import canonicalize from "canonicalize";
import { concat, keccak256, stringToBytes, toHex, type Address, type Hex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { Jimp } from "jimp";
import { permitIdOf } from "../../../src/sdk/ids";
import { encodeQrPayload, signPermitAnchor, type FullQrPayload, type JsonObject } from "../../../src/sdk/qr";

/** The repo's copies of the domain samples (the same files as shared/domain/samples). */
export const SAMPLES_DIR = path.resolve(__dirname, "../document/fixtures");

/** Hardhat account #0: a well-known test key, never use it for anything real. */
export const OFFICER_KEY: Hex = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
export const officer = privateKeyToAccount(OFFICER_KEY);
export const CHAIN_ID = 31337;
/** The first contract Hardhat account #0 deploys. */
export const REGISTRY: Address = "0x5FbDB2315678afecb367f032d93F642f64180aa3";
export const SALT: Hex = keccak256(stringToBytes("permit-registry QR test-vector salt"));

export type Sample = { file: string; document: JsonObject };

export function loadSamples(): Sample[] {
  return readdirSync(SAMPLES_DIR)
    .filter((file) => file.endsWith(".json"))
    .sort()
    .map((file) => ({ file, document: JSON.parse(readFileSync(path.join(SAMPLES_DIR, file), "utf8")) as JsonObject }));
}

/** Stand-in for `document/`'s `documentHash`: keccak256(salt ‖ utf8(RFC 8785 JSON)). */
export function testDocumentHash(document: unknown, salt: Hex): Hex {
  return keccak256(concat([salt, toHex(canonicalize(document) as string)]));
}

export function permitIdOfDocument(document: JsonObject): Hex {
  return permitIdOf(document.issuingCountry as string, document.permitNumber as string);
}

export async function signedFullPayload(document: JsonObject, salt: Hex = SALT): Promise<FullQrPayload> {
  const permitId = permitIdOfDocument(document);
  const documentHash = testDocumentHash(document, salt);
  const signature = await signPermitAnchor({ account: officer, chainId: CHAIN_ID, registry: REGISTRY, permitId, documentHash });
  return { mode: "full", chainId: CHAIN_ID, registry: REGISTRY, permitId, salt, signature, document };
}

export async function sampleTexts(): Promise<{ file: string; text: string }[]> {
  return Promise.all(loadSamples().map(async ({ file, document }) => ({ file, text: encodeQrPayload(await signedFullPayload(document)) })));
}

/** Deterministic PRNG (mulberry32) so degraded images are the same on every run. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type JimpImage = Awaited<ReturnType<typeof Jimp.read>>;

/** Rotates counter-clockwise on a white background (as a tilted photo of paper looks). */
export function rotate(image: JimpImage, degrees: number): JimpImage {
  const rotated = image.clone().rotate(degrees);
  const canvas = new Jimp({ width: rotated.width, height: rotated.height, color: 0xffffffff });
  return canvas.composite(rotated, 0, 0) as unknown as JimpImage;
}

export function scale(image: JimpImage, factor: number): JimpImage {
  return image.clone().resize({ w: Math.round(image.width * factor), h: Math.round(image.height * factor) }) as JimpImage;
}

export function blur(image: JimpImage, radius: number): JimpImage {
  return image.clone().gaussian(radius) as JimpImage;
}

/** Adds uniform noise of ±amplitude to every channel (grey-level sensor noise). */
export function noise(image: JimpImage, amplitude: number, seed = 42): JimpImage {
  const random = prng(seed);
  const out = image.clone();
  const data = out.bitmap.data;
  for (let i = 0; i < data.length; i += 4) {
    const delta = Math.round((random() * 2 - 1) * amplitude);
    for (let c = 0; c < 3; c++) data[i + c] = Math.max(0, Math.min(255, data[i + c] + delta));
  }
  return out as JimpImage;
}
