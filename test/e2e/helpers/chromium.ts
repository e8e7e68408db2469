/** The UI tests' Chromium: the project's launcher (bundled fonts only, software GL). */
export { CHROMIUM_FLAGS, chromiumEnv, findChromium, launchChromium } from '../../../scripts/browser/chromium';
