// Serves the static build on loopback and prints the URL: a screen's own page (`/accounts` →
// accounts.html), else the SPA fallback index.html, with the same security headers (CSP with
// frame-ancestors, X-Frame-Options) as build/_headers.
// This is a convenience for `npm start`; Perch itself is static files that any web server can host.
import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { gzipSync } from 'node:zlib';
import { securityHeadersFor } from './headers.js';

const root = resolve(process.argv[2] ?? 'build');
const port = Number(process.env.PORT ?? 4173);
const host = process.env.HOST ?? '127.0.0.1';

/** @type {Record<string, string>} */
const types = {
	'.html': 'text/html; charset=utf-8',
	'.js': 'text/javascript; charset=utf-8',
	'.css': 'text/css; charset=utf-8',
	'.svg': 'image/svg+xml',
	'.png': 'image/png',
	'.json': 'application/json',
	'.webmanifest': 'application/manifest+json',
	'.txt': 'text/plain; charset=utf-8'
};

/** Text types a static host would send compressed. */
const COMPRESSIBLE = new Set(['.html', '.js', '.css', '.svg', '.json', '.webmanifest', '.txt']);

/** @type {Map<string, Buffer>} gzipped bodies by path, size and modification time */
const gzipped = new Map();

/**
 * @param {string} file
 * @param {Buffer} body
 */
async function gzipOnce(file, body) {
	const key = `${file}\0${body.length}\0${(await stat(file)).mtimeMs}`;
	let out = gzipped.get(key);
	if (!out) {
		out = gzipSync(body);
		gzipped.set(key, out);
	}
	return out;
}

/**
 * @param {string} base
 * @param {string} pathname
 */
async function fileFor(base, pathname) {
	let decoded;
	try {
		decoded = decodeURIComponent(pathname);
	} catch {
		return null;
	}
	const candidate = join(base, normalize(decoded));
	if (candidate !== base && !candidate.startsWith(base + sep)) return null;
	try {
		const s = await stat(candidate);
		if (s.isFile()) return candidate;
		if (s.isDirectory()) {
			const index = join(candidate, 'index.html');
			if ((await stat(index).catch(() => null))?.isFile()) return index;
		}
	} catch {
		// A screen's own page (`/accounts` → accounts.html), as static hosts serve it.
		const page = `${candidate}.html`;
		if ((await stat(page).catch(() => null))?.isFile()) return page;
	}
	return null;
}

/**
 * @param {{ dir?: string, listenPort?: number, listenHost?: string }} [options]
 * @returns {Promise<{ server: import('node:http').Server, url: string }>}
 */
export function startStaticServer({ dir = root, listenPort = port, listenHost = host } = {}) {
	const base = resolve(dir);
	const server = createServer((req, res) => {
		const url = new URL(req.url ?? '/', 'http://localhost');
		void (async () => {
			const file = (await fileFor(base, url.pathname)) ?? join(base, 'index.html');
			try {
				const body = await readFile(file);
				const headers = {
					// Read from the page on every request: the script hash changes with each build.
					...(await securityHeadersFor(base)),
					'Content-Type': types[extname(file)] ?? 'application/octet-stream',
					'Cache-Control': file.includes('/_app/immutable/')
						? 'public, max-age=31536000, immutable'
						: 'no-cache'
				};
				// Compressed like any static host compresses text, so the app loads at realistic sizes.
				const gzip =
					COMPRESSIBLE.has(extname(file)) && /\bgzip\b/.test(req.headers['accept-encoding'] ?? '');
				res.writeHead(200, {
					...headers,
					Vary: 'Accept-Encoding',
					...(gzip ? { 'Content-Encoding': 'gzip' } : {})
				});
				res.end(gzip ? await gzipOnce(file, body) : body);
			} catch {
				res.writeHead(404, { 'Content-Type': 'text/plain' });
				res.end('Not found. Run `npm run build` first.');
			}
		})();
	});
	return new Promise((resolveListen) => {
		server.listen(listenPort, listenHost, () => {
			const address = server.address();
			const actualPort = typeof address === 'object' && address ? address.port : listenPort;
			resolveListen({ server, url: `http://${listenHost}:${actualPort}/` });
		});
	});
}

if (import.meta.url === `file://${process.argv[1]}`) {
	const { url } = await startStaticServer();
	console.log(`Perch is running at ${url}  (the Demo exchange works with no keys and no internet)`);
	console.log('Press Ctrl+C to stop.');
}
