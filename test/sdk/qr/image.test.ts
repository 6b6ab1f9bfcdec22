import { expect } from "chai";
import { Jimp } from "jimp";
import {
  decodeQrImage,
  QrImageUnreadableError,
  qrVersionFor,
  QrPayloadTooLargeError,
  renderQrPng,
  renderQrSvg,
  toVerifyUrl,
  UnsupportedImageError,
} from "../../../src/sdk/qr";
import { blur, noise, rotate, sampleTexts, scale } from "./fixtures";

type JimpImage = Awaited<ReturnType<typeof Jimp.read>>;

/**
 * Degradations a customs officer's phone camera adds. Each alone, then all at once; the combined
 * noise is lower because blur and half size have already eaten most of the margin (the decoder
 * reads every sample combined up to about ±40).
 */
const DEGRADATIONS: [string, (image: JimpImage) => JimpImage][] = [
  ["rotated 10°", (image) => rotate(image, 10)],
  ["scaled to 50 %", (image) => scale(image, 0.5)],
  ["blurred (Gaussian, r = 1 px)", (image) => blur(image, 1)],
  ["noisy (±60 grey levels)", (image) => noise(image, 60)],
  ["rotated 10°, at 50 %, blurred and noisy (±30)", (image) => noise(blur(scale(rotate(image, 10), 0.5), 1), 30)],
];

describe("qr/image: rendering and reading QR codes", function () {
  this.timeout(300_000);
  let samples: { file: string; url: string; png: Buffer }[] = [];
  before(async () => {
    samples = await Promise.all(
      (await sampleTexts()).map(async ({ file, text }) => ({ file, url: toVerifyUrl(text), png: await renderQrPng(toVerifyUrl(text)) })),
    );
  });

  it("renders a PNG of the version qrVersionFor predicts, at 8 px per module with a 4-module quiet zone", async () => {
    for (const { url, png } of samples) {
      const image = await Jimp.read(png);
      expect(image.width).to.equal((17 + 4 * qrVersionFor(url, "M") + 8) * 8);
    }
  });

  it("renders SVG", async () => {
    const svg = await renderQrSvg(samples[0].url);
    expect(svg).to.match(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  });

  it("chooses a larger version for a higher error-correction level", () => {
    const { url } = samples[0];
    expect(qrVersionFor(url, "H")).to.be.greaterThan(qrVersionFor(url, "M"));
  });

  it("refuses text beyond version 40 with QrPayloadTooLargeError", async () => {
    const text = "PR1:" + "A".repeat(5000);
    expect(() => qrVersionFor(text)).to.throw(QrPayloadTooLargeError);
    const err = await renderQrPng(text).catch((e: unknown) => e);
    expect(err).to.be.instanceOf(QrPayloadTooLargeError);
  });

  it("reads every sample's PNG as rendered", async () => {
    for (const { file, url, png } of samples) expect(await decodeQrImage(png), file).to.equal(url);
  });

  for (const [name, degrade] of DEGRADATIONS) {
    it(`reads every sample ${name}, as PNG and as JPEG (quality 70)`, async () => {
      for (const { file, url, png } of samples) {
        const image = degrade(await Jimp.read(png));
        expect(await decodeQrImage(await image.getBuffer("image/png")), `${file} PNG`).to.equal(url);
        expect(await decodeQrImage(await image.getBuffer("image/jpeg", { quality: 70 })), `${file} JPEG`).to.equal(url);
      }
    });
  }

  it("reads a QR code printed small in a larger photo-like JPEG", async () => {
    const { url, png } = samples[2];
    const code = scale(await Jimp.read(png), 0.6);
    const page = new Jimp({ width: 1600, height: 1200, color: 0xf2efe6ff });
    page.composite(code, 700, 400);
    expect(await decodeQrImage(await page.getBuffer("image/jpeg", { quality: 80 }))).to.equal(url);
  });

  it("throws QrImageUnreadableError for an image without a QR code", async () => {
    const blank = await noise(new Jimp({ width: 300, height: 200, color: 0xffffffff }) as JimpImage, 40).getBuffer("image/png");
    const err = await decodeQrImage(blank).catch((e: unknown) => e);
    expect(err).to.be.instanceOf(QrImageUnreadableError);
    expect((err as QrImageUnreadableError).name).to.equal("QrImageUnreadableError");
  });

  it("throws UnsupportedImageError for other formats and corrupt files", async () => {
    const gif = Buffer.from("GIF89a\x01\x00\x01\x00", "latin1");
    const truncatedPng = samples[0].png.subarray(0, 100);
    const truncatedJpeg = (await (await Jimp.read(samples[0].png)).getBuffer("image/jpeg")).subarray(0, 50);
    for (const bytes of [gif, Buffer.alloc(0), truncatedPng, truncatedJpeg]) {
      const err = await decodeQrImage(bytes).catch((e: unknown) => e);
      expect(err, bytes.subarray(0, 4).toString("hex")).to.be.instanceOf(UnsupportedImageError);
    }
  });

  it("refuses a PNG declaring more than 40 megapixels before inflating it", async () => {
    const png = Buffer.from(samples[0].png);
    png.writeUInt32BE(20_000, 16);
    png.writeUInt32BE(20_000, 20);
    const err = await decodeQrImage(png).catch((e: unknown) => e);
    expect(err).to.be.instanceOf(UnsupportedImageError);
  });
});
