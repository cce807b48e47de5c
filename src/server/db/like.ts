/** Text as a literal inside a LIKE/ILIKE pattern: its %, _ and \ match themselves, not any text. */
export const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);
