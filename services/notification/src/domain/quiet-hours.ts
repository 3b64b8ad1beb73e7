// Quiet hours are read on Dhaka's clock: Asia/Dhaka is UTC+6 all year (no daylight saving).
const DHAKA_OFFSET_MIN = 6 * 60;
const DAY_MIN = 24 * 60;

/** Minutes after midnight in Dhaka. */
export const dhakaMinutes = (at: Date) => (Math.floor(at.getTime() / 60_000) + DHAKA_OFFSET_MIN) % DAY_MIN;

/** `22:30` → 1350; the wire form of quiet hours. */
export const minutesOf = (hhmm: string) => {
  const [h, m] = hhmm.split(":").map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
};
export const hhmmOf = (minutes: number) =>
  `${String(Math.floor(minutes / 60)).padStart(2, "0")}:${String(minutes % 60).padStart(2, "0")}`;

/**
 * When a message may go out given quiet hours `[start, end)` in Dhaka (the window may cross midnight,
 * e.g. 22:00–07:00): `at` itself outside the window, else the window's end.
 */
export function afterQuietHours(at: Date, start: number | null, end: number | null): Date {
  if (start === null || end === null || start === end) {
    return at;
  }
  const now = dhakaMinutes(at);
  const inside = start < end ? now >= start && now < end : now >= start || now < end;
  if (!inside) {
    return at;
  }
  const wait = (end - now + DAY_MIN) % DAY_MIN;
  const startOfMinute = Math.floor(at.getTime() / 60_000) * 60_000;
  return new Date(startOfMinute + wait * 60_000);
}

/** The Dhaka calendar day of `at` as `YYYY-MM-DD`, and the UTC instants it starts and ends. */
export function dhakaDay(at: Date): { day: string; from: Date; to: Date } {
  const shifted = new Date(at.getTime() + DHAKA_OFFSET_MIN * 60_000);
  const day = shifted.toISOString().slice(0, 10);
  const from = new Date(`${day}T00:00:00.000+06:00`);
  return { day, from, to: new Date(from.getTime() + DAY_MIN * 60_000) };
}
