/**
 * The UI's fonts ship with the app (issue 15): Noto Sans SC (Chinese and Latin) and Noto Sans
 * Mono (figures, ids), both variable (one file set for every weight), as the Fontsource packages
 * cut them: about 100 unicode-range slices, so a page downloads only the slices of the characters
 * it shows. Vite bundles the files; they are served from the app's own origin (offline). The OS's
 * fonts are never asked for a character these cover, so a workstation without CJK fonts reads the
 * same as one with them.
 *
 * DOM text loads its slices by itself. Text drawn on a canvas does not: a canvas draws with
 * whatever is loaded at that moment and never redraws. Hence `loadGlyphs` for ECharts, and the
 * map's style declares the same files as `font-faces`, which maplibre loads per drawn codepoint.
 */
import '@fontsource-variable/noto-sans-sc';
import '@fontsource-variable/noto-sans-mono';
