// Writes <dir>/SHA256SUMS (the format `sha256sum -c` reads) and prints every file's SHA-256, so
// anyone can build the same commit and compare it with a deployed Perch (scripts/verify.js).
// Usage: node scripts/checksums.js [dir=build]
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

export const SUMS_FILE = 'SHA256SUMS';

/** @param {string} dir @returns {string[]} paths relative to dir, with '/' */
function files(dir) {
	/** @type {string[]} */
	const out = [];
	/** @param {string} at */
	const walk = (at) => {
		for (const entry of readdirSync(at, { withFileTypes: true })) {
			const path = join(at, entry.name);
			if (entry.isDirectory()) walk(path);
			else if (entry.isFile()) out.push(relative(dir, path).split(sep).join('/'));
		}
	};
	walk(dir);
	// Byte order, not locale order: the list must be the same on every machine.
	return out.filter((f) => f !== SUMS_FILE).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** @param {Uint8Array} bytes */
export function sha256(bytes) {
	return createHash('sha256').update(bytes).digest('hex');
}

/**
 * @param {string} dir
 * @returns {{ path: string, sha256: string }[]}
 */
export function writeChecksums(dir) {
	const list = files(dir).map((path) => ({ path, sha256: sha256(readFileSync(join(dir, path))) }));
	writeFileSync(join(dir, SUMS_FILE), list.map((f) => `${f.sha256}  ${f.path}\n`).join(''));
	return list;
}

/**
 * Parses a SHA256SUMS file.
 * @param {string} text
 * @returns {{ path: string, sha256: string }[]}
 */
export function parseChecksums(text) {
	return text
		.split('\n')
		.filter((line) => line.trim() !== '')
		.map((line) => {
			const m = /^([0-9a-f]{64}) [ *](.+)$/.exec(line);
			if (!m) throw new Error(`not a SHA256SUMS line: ${line}`);
			return { sha256: m[1], path: m[2] };
		});
}

if (import.meta.url === `file://${process.argv[1]}`) {
	const dir = process.argv[2] ?? 'build';
	const list = writeChecksums(dir);
	for (const f of list) console.log(`${f.sha256}  ${f.path}`);
	const all = sha256(readFileSync(join(dir, SUMS_FILE)));
	console.log(`\n${list.length} files; SHA-256 of ${join(dir, SUMS_FILE)}: ${all}`);
}
