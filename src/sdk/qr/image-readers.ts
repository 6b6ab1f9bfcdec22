/**
 * QR readers over raw pixels, for `decodeQrImage`. Two independent decoders (jsQR and ZXing) with
 * different binarisers fail on different images, so trying each in turn reads more photos than
 * either alone. Internal to `qr/`.
 */
import jsQR from "jsqr";
import {
  BarcodeFormat,
  BinaryBitmap,
  DecodeHintType,
  GlobalHistogramBinarizer,
  HybridBinarizer,
  QRCodeReader,
  RGBLuminanceSource,
  type Binarizer,
  type LuminanceSource,
} from "@zxing/library";

/** 8-bit RGBA pixels, row-major, as jimp's `bitmap` holds them. */
export type Rgba = { data: Uint8Array | Uint8ClampedArray; width: number; height: number };
/** 8-bit luminance, one byte per pixel. */
export type Grey = { data: Uint8ClampedArray; width: number; height: number };

/** A QR reader: the text, or `undefined` when it found nothing. */
export type QrReader = { name: string; read(image: Grey): string | undefined };

/** ITU-R BT.601 luma, with transparent pixels as white paper. */
export function toGrey(image: Rgba): Grey {
  const { data, width, height } = image;
  const grey = new Uint8ClampedArray(width * height);
  for (let i = 0, p = 0; p < grey.length; i += 4, p++) {
    const alpha = data[i + 3] / 255;
    const luma = 0.299 * data[i] + 0.587 * data[i + 1] + 0.114 * data[i + 2];
    grey[p] = luma * alpha + 255 * (1 - alpha);
  }
  return { data: grey, width, height };
}

function toRgbaBytes(grey: Grey): Uint8ClampedArray {
  const rgba = new Uint8ClampedArray(grey.width * grey.height * 4);
  for (let p = 0, i = 0; p < grey.data.length; p++, i += 4) {
    rgba[i] = rgba[i + 1] = rgba[i + 2] = grey.data[p];
    rgba[i + 3] = 255;
  }
  return rgba;
}

const jsQrReader: QrReader = {
  name: "jsqr",
  read(image) {
    const found = jsQR(toRgbaBytes(image), image.width, image.height, { inversionAttempts: "attemptBoth" });
    return found?.data || undefined;
  },
};

const ZXING_HINTS = new Map<DecodeHintType, unknown>([
  [DecodeHintType.TRY_HARDER, true],
  [DecodeHintType.POSSIBLE_FORMATS, [BarcodeFormat.QR_CODE]],
]);

function zxingReader(name: string, binarizer: (source: LuminanceSource) => Binarizer): QrReader {
  return {
    name,
    read(image) {
      try {
        const source = new RGBLuminanceSource(image.data, image.width, image.height);
        return new QRCodeReader().decode(new BinaryBitmap(binarizer(source)), ZXING_HINTS).getText() || undefined;
      } catch {
        // ZXing signals "not found" / "checksum" / "format" by throwing; all mean: try the next reader.
        return undefined;
      }
    },
  };
}

/** In order of cost and of how often each succeeds on photos of printed permits. */
export const QR_READERS: readonly QrReader[] = [
  jsQrReader,
  zxingReader("zxing-hybrid", (source) => new HybridBinarizer(source)),
  zxingReader("zxing-global", (source) => new GlobalHistogramBinarizer(source)),
];

/** Bilinear rescale by `factor` (upscaling gives small or blurred modules more pixels to sample). */
export function rescale(image: Grey, factor: number): Grey {
  const width = Math.max(1, Math.round(image.width * factor));
  const height = Math.max(1, Math.round(image.height * factor));
  const out = new Uint8ClampedArray(width * height);
  for (let y = 0; y < height; y++) {
    const sy = Math.min(image.height - 1, Math.max(0, (y + 0.5) / factor - 0.5));
    const y0 = Math.floor(sy), y1 = Math.min(image.height - 1, y0 + 1), fy = sy - y0;
    for (let x = 0; x < width; x++) {
      const sx = Math.min(image.width - 1, Math.max(0, (x + 0.5) / factor - 0.5));
      const x0 = Math.floor(sx), x1 = Math.min(image.width - 1, x0 + 1), fx = sx - x0;
      const top = image.data[y0 * image.width + x0] * (1 - fx) + image.data[y0 * image.width + x1] * fx;
      const bottom = image.data[y1 * image.width + x0] * (1 - fx) + image.data[y1 * image.width + x1] * fx;
      out[y * width + x] = top * (1 - fy) + bottom * fy;
    }
  }
  return { data: out, width, height };
}

/** 3×3 median filter: removes salt-and-pepper noise while keeping module edges. */
export function median3(image: Grey): Grey {
  const { width, height, data } = image;
  const out = new Uint8ClampedArray(data.length);
  const window = new Array<number>(9);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let n = 0;
      for (let dy = -1; dy <= 1; dy++) {
        const yy = Math.min(height - 1, Math.max(0, y + dy));
        for (let dx = -1; dx <= 1; dx++) window[n++] = data[yy * width + Math.min(width - 1, Math.max(0, x + dx))];
      }
      window.sort((a, b) => a - b);
      out[y * width + x] = window[4];
    }
  }
  return { data: out, width, height };
}

/** Box (mean) filter of radius `r`: averages out sensor noise, at the cost of some sharpness. */
export function boxBlur(image: Grey, r: number): Grey {
  const { width, height, data } = image;
  const horizontal = new Float32Array(data.length);
  const out = new Uint8ClampedArray(data.length);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let sum = 0;
      for (let dx = -r; dx <= r; dx++) sum += data[y * width + Math.min(width - 1, Math.max(0, x + dx))];
      horizontal[y * width + x] = sum / (2 * r + 1);
    }
  }
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let sum = 0;
      for (let dy = -r; dy <= r; dy++) sum += horizontal[Math.min(height - 1, Math.max(0, y + dy)) * width + x];
      out[y * width + x] = sum / (2 * r + 1);
    }
  }
  return { data: out, width, height };
}
