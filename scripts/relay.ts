/**
 * `npm run relay`: Perch's optional CORS relay on loopback.
 * Options: --port <n> (default 8787), --host <addr> (default 127.0.0.1).
 * Env: RELAY_ORIGINS (comma list; default the local preview origins on port 4173) and
 * RELAY_UPSTREAM_<NAME>=url to point a route elsewhere, e.g. RELAY_UPSTREAM_BITMART at the simulator.
 */
import { LOCAL_DEV_ORIGINS, originsFromEnv, upstreamsFromEnv } from '../relay/config';
import { startRelay } from '../relay/node';

function flag(name: string): string | undefined {
	const i = process.argv.indexOf(`--${name}`);
	return i >= 0 ? process.argv[i + 1] : undefined;
}

const port = Number(flag('port') ?? 8787);
const host = flag('host') ?? '127.0.0.1';
const allowedOrigins = originsFromEnv(process.env, LOCAL_DEV_ORIGINS);
const upstreams = upstreamsFromEnv(process.env);

const relay = await startRelay({
	port,
	host,
	allowedOrigins,
	upstreams,
	// Route prefix only: paths and queries can carry account identifiers.
	log: (line) => console.log(line)
});

console.log(`Perch CORS relay on ${relay.url}`);
console.log(`  origins  ${allowedOrigins.join(', ')}`);
for (const [route, base] of Object.entries(upstreams)) {
	console.log(`  ${relay.url}/${route}/…  →  ${base}`);
}
console.log('Ctrl+C to stop.');

process.once('SIGINT', () => {
	void relay.close().then(() => process.exit(0));
});
