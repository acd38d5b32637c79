// The security headers of the built app, derived from the built page itself.
//
// SvelteKit writes the Content-Security-Policy into index.html as a meta tag, with the hash of the
// inline bootstrap script (it changes with every build). A meta policy cannot carry
// `frame-ancestors`, so the same policy plus `frame-ancestors 'none'` must also travel as a real
// header: scripts/serve.js sends it, and every build writes `build/_headers` (the Netlify /
// Cloudflare Pages format) for static hosts.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

const META_CSP = /<meta\s+http-equiv="content-security-policy"\s+content="([^"]+)"\s*\/?>/i;

/**
 * @param {string} html the built index.html
 * @returns {Record<string, string>}
 */
export function securityHeaders(html) {
	const policy = META_CSP.exec(html)?.[1];
	if (!policy) {
		throw new Error('The built index.html has no Content-Security-Policy meta tag to copy.');
	}
	const unescaped = policy
		.replace(/&#39;/g, "'")
		.replace(/&quot;/g, '"')
		.replace(/&amp;/g, '&');
	return {
		'Content-Security-Policy': `${unescaped.replace(/;\s*$/, '')}; frame-ancestors 'none'`,
		// For browsers that predate frame-ancestors.
		'X-Frame-Options': 'DENY',
		'X-Content-Type-Options': 'nosniff',
		'Referrer-Policy': 'no-referrer'
	};
}

/**
 * @param {string} dir the build output
 * @returns {Promise<Record<string, string>>}
 */
export async function securityHeadersFor(dir) {
	return securityHeaders(await readFile(join(dir, 'index.html'), 'utf8'));
}

/**
 * Writes `<dir>/_headers` for static hosts that read it.
 * @param {string} dir the build output
 * @returns {Promise<void>}
 */
export async function writeHeadersFile(dir) {
	const headers = await securityHeadersFor(dir);
	const lines = ['/*', ...Object.entries(headers).map(([name, value]) => `  ${name}: ${value}`)];
	lines.push('/_app/immutable/*', '  Cache-Control: public, max-age=31536000, immutable', '');
	await writeFile(join(dir, '_headers'), lines.join('\n'));
}

if (import.meta.url === `file://${process.argv[1]}`) {
	const dir = process.argv[2] ?? 'build';
	await writeHeadersFile(dir);
	console.log(`Wrote ${join(dir, '_headers')}`);
}
