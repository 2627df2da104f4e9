/**
 * "Did you mean …?" for misspelled prop names, field names and enum values: the candidate closest
 * to what was written, when it is close enough to be a typo of it rather than a different word.
 */

/**
 * Edits between two strings (insertions, deletions, substitutions, and swaps of two neighbouring
 * characters, the commonest typo: `singel` is one edit from `single`).
 */
export function editDistance(a: string, b: string): number {
  // rows[i][j]: edits between the first i characters of a and the first j of b.
  const rows: number[][] = [];
  for (let i = 0; i <= a.length; i++) {
    rows.push([i]);
    for (let j = 1; j <= b.length; j++) {
      if (i === 0) {
        rows[0].push(j);
        continue;
      }
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(rows[i - 1][j] + 1, rows[i][j - 1] + 1, rows[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        best = Math.min(best, rows[i - 2][j - 2] + 1);
      }
      rows[i].push(best);
    }
  }
  return rows[a.length][b.length];
}

/**
 * The candidate closest to `value`, ignoring case (`blocksize` → `blockSize`), within one edit per
 * three characters (at least one), or undefined when none is that close. Ties go to the earlier
 * candidate. Values without a letter (versions such as "1.24") get no suggestion: another number
 * one edit away is another version, not the one meant.
 */
export function closestMatch(value: string, candidates: readonly string[]): string | undefined {
  if (!/[a-z]/i.test(value)) return undefined;
  const wanted = value.toLowerCase();
  let best: string | undefined;
  let bestDistance = Math.max(1, Math.floor(wanted.length / 3)) + 1;
  for (const candidate of candidates) {
    const distance = editDistance(wanted, candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}
