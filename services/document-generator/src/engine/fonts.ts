import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);

/**
 * The only fonts documents are set in, from npm (TTF: Typst cannot read woff): Noto Sans for Latin
 * text and Noto Sans Bengali for Bengali, regular and bold. Templates name these families with
 * `fallback: false`, so the machine's own fonts never change a page.
 */
export const FONT_FILES = [
  "@expo-google-fonts/noto-sans/400Regular/NotoSans_400Regular.ttf",
  "@expo-google-fonts/noto-sans/700Bold/NotoSans_700Bold.ttf",
  "@expo-google-fonts/noto-sans-bengali/400Regular/NotoSansBengali_400Regular.ttf",
  "@expo-google-fonts/noto-sans-bengali/700Bold/NotoSansBengali_700Bold.ttf",
] as const;

/** The families the templates use, as PDF font names start (pdffonts lists `XXXXXX+NotoSans-Regular`). */
export const FONT_NAMES = [
  "NotoSans-Regular",
  "NotoSans-Bold",
  "NotoSansBengali-Regular",
  "NotoSansBengali-Bold",
];

export function loadFonts(): Buffer[] {
  return FONT_FILES.map((file) => readFileSync(require.resolve(file)));
}
