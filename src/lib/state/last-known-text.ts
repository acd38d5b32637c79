/** How last-known numbers are described: their time and age, and why closes wait. */

/**
 * Made once: toLocaleTimeString with options builds a formatter per call, and these texts are
 * made for every card on every clock tick (and on the first screen after an unlock).
 */
const clock = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });

/** "as of 14:02, 3 min ago", in the device's time zone. */
export function asOfText(at: number, now: number): string {
	const time = clock.format(at);
	return `as of ${time}, ${ageText(now - at)}`;
}

export function ageText(ms: number): string {
	const s = Math.max(0, Math.round(ms / 1000));
	if (s < 60) return 'just now';
	const min = Math.floor(s / 60);
	if (min < 60) return `${min} min ago`;
	const h = Math.floor(min / 60);
	if (h < 48) return `${h} h ${min % 60} min ago`;
	return `${Math.floor(h / 24)} days ago`;
}

/** Why a close of last-known numbers is refused. */
export function staleReason(asOf: number, now = Date.now()): string {
	const when = asOf > 0 ? ` (${asOfText(asOf, now)})` : '';
	return `Not live: these are the last-known numbers${when}. Closes are refused until the private stream is live again and the positions are re-fetched.`;
}
