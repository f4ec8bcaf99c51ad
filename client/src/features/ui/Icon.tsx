/** Line icons drawn inline (no icon font, no network); always decorative, so hidden from assistive tech. */
const PATHS = {
  mic: ['M12 3a3 3 0 0 0-3 3v6a3 3 0 0 0 6 0V6a3 3 0 0 0-3-3z', 'M5 11a7 7 0 0 0 14 0', 'M12 18v3'],
  micOff: ['M12 3a3 3 0 0 0-3 3v6a3 3 0 0 0 6 0V6a3 3 0 0 0-3-3z', 'M5 11a7 7 0 0 0 14 0', 'M12 18v3', 'M3 3l18 18'],
  camera: ['M4 7h10a2 2 0 0 1 2 2v6a2 2 0 0 1-2 2H4a2 2 0 0 1-2-2V9a2 2 0 0 1 2-2z', 'M16 11l6-3.5v9L16 13'],
  cameraOff: ['M4 7h10a2 2 0 0 1 2 2v6a2 2 0 0 1-2 2H4a2 2 0 0 1-2-2V9a2 2 0 0 1 2-2z', 'M16 11l6-3.5v9L16 13', 'M3 3l18 18'],
  leave: ['M10 17l-5-5 5-5', 'M5 12h11', 'M14 4h4a2 2 0 0 1 2 2v12a2 2 0 0 1-2 2h-4'],
  users: ['M9 11.5a3.5 3.5 0 1 0 0-7 3.5 3.5 0 0 0 0 7z', 'M2.5 20a6.5 6.5 0 0 1 13 0', 'M16 4.7a3.5 3.5 0 0 1 0 6.6', 'M18 14.2a6.5 6.5 0 0 1 3.5 5.8'],
  close: ['M6 6l12 12', 'M18 6L6 18'],
  screen: ['M3 4h18v12H3z', 'M12 16v4', 'M8 20h8'],
  signal: ['M12 19.5h.01', 'M8.5 16a5 5 0 0 1 7 0', 'M5 12.5a10 10 0 0 1 14 0', 'M1.5 9a15 15 0 0 1 21 0'],
  globe: ['M12 21a9 9 0 1 0 0-18 9 9 0 0 0 0 18z', 'M3 12h18', 'M12 3a14 14 0 0 1 0 18', 'M12 3a14 14 0 0 0 0 18'],
  speaker: ['M4 9h4l5-4v14l-5-4H4z', 'M16.5 8.5a5 5 0 0 1 0 7', 'M19 6a8.5 8.5 0 0 1 0 12'],
  hand: [
    'M8 13V5.5a1.5 1.5 0 0 1 3 0V11',
    'M11 10.5V4a1.5 1.5 0 0 1 3 0v6.5',
    'M14 10.5V5.5a1.5 1.5 0 0 1 3 0V13',
    'M17 9.5a1.5 1.5 0 0 1 3 0V15a7 7 0 0 1-7 7h-1.5a6 6 0 0 1-4.9-2.6L3.4 15a1.6 1.6 0 0 1 2.5-2L8 15',
  ],
  arrowUp: ['M12 19V5', 'M6 11l6-6 6 6'],
  arrowDown: ['M12 5v14', 'M6 13l6 6 6-6'],
  grip: ['M9 6h.01', 'M15 6h.01', 'M9 12h.01', 'M15 12h.01', 'M9 18h.01', 'M15 18h.01'],
  clock: ['M12 21a9 9 0 1 0 0-18 9 9 0 0 0 0 18z', 'M12 7v5l3 2'],
  pause: ['M9 5v14', 'M15 5v14'],
  play: ['M7 4.5v15l12-7.5z'],
  plus: ['M12 5v14', 'M5 12h14'],
  check: ['M5 12.5l4.5 4.5L19 7.5'],
  next: ['M5 5l8 7-8 7', 'M17 5v14'],
  stop: ['M6 6h12v12H6z'],
  refresh: ['M20 11a8 8 0 1 0-2.3 5.7', 'M20 4v7h-7'],
  ballot: ['M3 13h18v7H3z', 'M7 13V4h10v9', 'M9.5 8.5l2 2 3.5-3.5'],
} as const;

export type IconName = keyof typeof PATHS;

/** A 24×24 stroke icon in the current text colour. */
export function Icon({ name, size = 22 }: { name: IconName; size?: number }) {
  return (
    <svg
      className="icon"
      width={size}
      height={size}
      viewBox="0 0 24 24"
      fill="none"
      stroke="currentColor"
      strokeWidth={2}
      strokeLinecap="round"
      strokeLinejoin="round"
      aria-hidden="true"
      focusable="false"
    >
      {PATHS[name].map((d) => (
        <path key={d} d={d} />
      ))}
    </svg>
  );
}
