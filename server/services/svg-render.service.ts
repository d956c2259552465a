import path from 'node:path';
import { Resvg } from '@resvg/resvg-js';
import { ROOT_DIR } from '../paths';

/**
 * SVG to PNG with resvg and the fonts kept in the repository only: no system font and no
 * network, so an image looks the same on every server and in every test.
 */
const FONT_DIR = path.join(ROOT_DIR, 'server', 'assets', 'fonts');
export const RENDER_FONT_FILES = ['DejaVuSans.ttf', 'DejaVuSans-Bold.ttf', 'DejaVuSerif-Bold.ttf'].map((f) => path.join(FONT_DIR, f));

let renders = 0;

/** How many PNGs were rendered since the process started: tests prove a cache answered instead. */
export function pngRenderCount(): number {
  return renders;
}

export function renderPng(svg: string, width: number): Buffer {
  renders++;
  const resvg = new Resvg(svg, {
    fitTo: { mode: 'width', value: width },
    font: { fontFiles: RENDER_FONT_FILES, loadSystemFonts: false, defaultFontFamily: 'DejaVu Sans' },
    background: '#ffffff',
  });
  return resvg.render().asPng();
}
