/**
 * Browser stand-in for `jimp`: the pages decode photos through a canvas and the SDK's pure QR
 * readers (`src/sdk/qr/image-readers.ts`), never through `decodeQrImage`, so this is never called.
 */
export const Jimp = {
  read(): never {
    throw new Error("Image decoding by jimp is not available in the browser; decode through a canvas.");
  },
};
