import { renderSVG } from 'uqr';

/**
 * The link as a QR code, an SVG document staff print or show at the counter. uqr (unjs, no dependencies,
 * any runtime) encodes it; error correction M survives a smudged printout. `url` is what the phone's
 * camera opens, so the caller passes the absolute URL when it knows its origin.
 */
export function qrSvg(url: string): string {
  return renderSVG(url, { ecc: 'M', border: 2, pixelSize: 6 });
}
