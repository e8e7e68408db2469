/** The benches' Chromium: the same launcher as the UI tests (bundled fonts only, software GL). */
export { launchChromium } from '../scripts/browser/chromium';
