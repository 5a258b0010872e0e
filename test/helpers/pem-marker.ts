/**
 * Builds a PEM armour line (the BEGIN or END line of a PEM block) at run time,
 * so tests of our key-leak guards hold no key-looking text in git (the
 * repository's own scan for committed keys stays meaningful).
 */
export function pemMarker(edge: 'BEGIN' | 'END', label: string): string {
  return ['-----', edge, ' ', label, '-----'].join('');
}
