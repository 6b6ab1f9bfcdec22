/**
 * Reading QR codes in the browser: camera frames (getUserMedia) and photos, through a canvas into
 * the SDK's own pure readers (jsQR, then ZXing with two binarisers) — the same decoders the
 * service uses for uploaded images, so a code that scans on the phone scans on the server.
 */
import { QR_READERS, rescale, toGrey, type Grey } from "../../sdk/qr/image-readers";

/** Largest side of a camera frame as decoded: enough for a permit QR, fast on a phone. */
const FRAME_SIDE = 960;
const PHOTO_SIDE = 1600;

function readGrey(grey: Grey, readers = QR_READERS): string | undefined {
  for (const reader of readers) {
    const text = reader.read(grey);
    if (text) return text;
  }
  return undefined;
}

function pixelsOf(source: CanvasImageSource, width: number, height: number, maxSide: number): ImageData {
  const scale = Math.min(1, maxSide / Math.max(width, height));
  const canvas = document.createElement("canvas");
  canvas.width = Math.max(1, Math.round(width * scale));
  canvas.height = Math.max(1, Math.round(height * scale));
  const ctx = canvas.getContext("2d", { willReadFrequently: true })!;
  ctx.fillStyle = "#fff";
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  ctx.drawImage(source, 0, 0, canvas.width, canvas.height);
  return ctx.getImageData(0, 0, canvas.width, canvas.height);
}

/** The QR text in a photo (PNG, JPEG, whatever the browser decodes), or `undefined`. */
export async function decodePhoto(file: Blob): Promise<string | undefined> {
  const bitmap = await createImageBitmap(file);
  try {
    const grey = toGrey(pixelsOf(bitmap, bitmap.width, bitmap.height, PHOTO_SIDE));
    return readGrey(grey) ?? (Math.max(grey.width, grey.height) <= 1000 ? readGrey(rescale(grey, 2)) : undefined);
  } finally {
    bitmap.close();
  }
}

export type CameraScan = { stop(): void };

/**
 * Opens the back camera into `video` and reads frames until a QR code is found, then stops the
 * camera and calls `onText`. Throws (a DOMException) when there is no camera or permission.
 */
export async function startCameraScan(video: HTMLVideoElement, onText: (text: string) => void): Promise<CameraScan> {
  if (!navigator.mediaDevices?.getUserMedia) throw new Error("This browser cannot use a camera here (it needs HTTPS or localhost).");
  const stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: { ideal: "environment" } }, audio: false });
  video.srcObject = stream;
  video.setAttribute("playsinline", "");
  video.muted = true;
  await video.play().catch(() => undefined);
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const stop = () => {
    stopped = true;
    if (timer) clearTimeout(timer);
    for (const track of stream.getTracks()) track.stop();
    video.srcObject = null;
  };
  const tick = () => {
    if (stopped) return;
    if (video.readyState >= HTMLMediaElement.HAVE_CURRENT_DATA && video.videoWidth > 0) {
      const text = readGrey(toGrey(pixelsOf(video, video.videoWidth, video.videoHeight, FRAME_SIDE)));
      if (text) {
        stop();
        onText(text);
        return;
      }
    }
    timer = setTimeout(tick, 200);
  };
  tick();
  return { stop };
}
