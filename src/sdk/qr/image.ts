import { Jimp } from "jimp";
import QRCode from "qrcode";
import { QrImageUnreadableError, QrPayloadTooLargeError, UnsupportedImageError } from "./errors";
import { boxBlur, median3, QR_READERS, rescale, toGrey, type Grey } from "./image-readers";

/** QR error-correction level: L 7 %, M 15 %, Q 25 %, H 30 % of codewords recoverable. */
export type QrErrorCorrectionLevel = "L" | "M" | "Q" | "H";

/** Images with more pixels are refused before decoding (a 12 MP phone photo is well inside). */
export const MAX_IMAGE_MEGAPIXELS = 40;

export type RenderQrOptions = {
  /** Error-correction level; M (15 %) is the house default for printed permits. */
  ecc?: QrErrorCorrectionLevel;
  /** Pixels per module in the PNG (default 8: 50 % downscaling still leaves 4 px per module). */
  scale?: number;
  /** Quiet zone in modules (default 4, the minimum the QR standard asks for). */
  margin?: number;
};

function qrcodeOptions(options: RenderQrOptions) {
  return { errorCorrectionLevel: options.ecc ?? "M", margin: options.margin ?? 4 };
}

async function withCapacityCheck<T>(text: string, ecc: QrErrorCorrectionLevel, render: () => Promise<T>): Promise<T> {
  qrVersionFor(text, ecc);
  return render();
}

/**
 * The QR version (1–40, the size: 17 + 4·version modules a side) the `qrcode` library picks for
 * `text`, with its mixed alphanumeric/byte segmentation.
 *
 * @throws QrPayloadTooLargeError when the text exceeds version 40 at this level.
 * @example qrVersionFor(toVerifyUrl(payloadText), "M") // 21
 */
export function qrVersionFor(text: string, ecc: QrErrorCorrectionLevel = "M"): number {
  try {
    return QRCode.create(text, { errorCorrectionLevel: ecc }).version;
  } catch (cause) {
    throw new QrPayloadTooLargeError(`${text.length} characters do not fit in a QR code at level ${ecc}.`, {
      cause,
      size: text.length,
    });
  }
}

/**
 * Renders `text` as a black-on-white PNG.
 *
 * @example const png = await renderQrPng(toVerifyUrl(encodeQrPayload(payload)));
 */
export async function renderQrPng(text: string, options: RenderQrOptions = {}): Promise<Buffer> {
  const ecc = options.ecc ?? "M";
  return withCapacityCheck(text, ecc, () =>
    QRCode.toBuffer(text, { ...qrcodeOptions(options), type: "png", scale: options.scale ?? 8 }),
  );
}

/**
 * Renders `text` as a standalone SVG document (scalable; for PDFs and web pages).
 *
 * @example const svg = await renderQrSvg(toVerifyUrl(payloadText), { ecc: "Q" });
 */
export async function renderQrSvg(text: string, options: Omit<RenderQrOptions, "scale"> = {}): Promise<string> {
  const ecc = options.ecc ?? "M";
  return withCapacityCheck(text, ecc, () => QRCode.toString(text, { ...qrcodeOptions(options), type: "svg" }));
}

type ImageFormat = "png" | "jpeg";

function sniffFormat(bytes: Uint8Array): ImageFormat | undefined {
  const b = bytes;
  if (b.length > 24 && b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47) return "png";
  if (b.length > 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return "jpeg";
  return undefined;
}

async function readPixels(bytes: Uint8Array): Promise<Grey> {
  const format = sniffFormat(bytes);
  if (!format) throw new UnsupportedImageError("The image is neither PNG nor JPEG.");
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (format === "png") {
    // IHDR is always the first chunk: width and height at bytes 16–23. Checked before inflating.
    const megapixels = (buffer.readUInt32BE(16) * buffer.readUInt32BE(20)) / 1e6;
    if (megapixels > MAX_IMAGE_MEGAPIXELS)
      throw new UnsupportedImageError(`The image has ${megapixels.toFixed(1)} MP; the limit is ${MAX_IMAGE_MEGAPIXELS} MP.`);
  }
  try {
    const image = await Jimp.read(buffer, { "image/jpeg": { maxResolutionInMP: MAX_IMAGE_MEGAPIXELS } });
    return toGrey(image.bitmap);
  } catch (cause) {
    throw new UnsupportedImageError(`The ${format.toUpperCase()} image cannot be decoded (corrupt or unsupported variant).`, { cause });
  }
}

/** Pixel variants tried in order; each is only computed when the previous ones failed. */
function* variants(image: Grey): Generator<Grey> {
  const longest = Math.max(image.width, image.height);
  // Very large photos: the finder-pattern search works better at about 1,000 px.
  const base = longest > 2000 ? rescale(image, 1000 / longest) : image;
  yield base;
  // Sensor noise: a mean filter averages it out; a median filter removes speckles but keeps edges.
  const smoothed = boxBlur(base, 1);
  yield smoothed;
  yield median3(base);
  // Small or soft modules: more pixels per module help the finder-pattern and grid sampling.
  if (longest <= 2000) {
    const doubled = rescale(base, 2);
    yield doubled;
    yield rescale(smoothed, 2);
    yield boxBlur(doubled, 2);
  }
}

export type DecodeQrImageErrorType = UnsupportedImageError | QrImageUnreadableError;

/**
 * Reads the QR text from a PNG or JPEG photo or scan: jsQR, then ZXing (TRY_HARDER, hybrid and
 * global binarisers), each on the image, a median-filtered copy and 2× upscaled copies.
 * Reads this project's codes rotated by 10°, at half size, slightly blurred, noisy, or all at once.
 *
 * @throws UnsupportedImageError not PNG/JPEG, corrupt, or over `MAX_IMAGE_MEGAPIXELS`.
 * @throws QrImageUnreadableError no QR code could be read.
 * @example
 * const text = await decodeQrImage(await readFile("scan.jpg"));
 * const payload = decodeQrPayload(extractQrPayload(text));
 */
export async function decodeQrImage(buffer: Uint8Array): Promise<string> {
  if (!(buffer instanceof Uint8Array)) throw new UnsupportedImageError("Expected the image as bytes (Uint8Array or Buffer).");
  const image = await readPixels(buffer);
  for (const variant of variants(image)) {
    for (const reader of QR_READERS) {
      const text = reader.read(variant);
      if (text !== undefined) return text;
    }
  }
  throw new QrImageUnreadableError({ width: image.width, height: image.height });
}
