/**
 * `npm run sim -- --venue ascendex`: the AscendEX Futures Pro v2 simulator on loopback, for
 * trying Perch by hand. Options: --port <n> (or SIM_PORT; default 8765), --seed <n>,
 * --group <n> (account group; default 6).
 */
import { randomBytes } from 'node:crypto';
import { startAscendexSimServer } from '../src/sim/node/ascendex-server';

function flag(name: string): string | undefined {
	const i = process.argv.indexOf(`--${name}`);
	return i >= 0 ? process.argv[i + 1] : undefined;
}

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** AscendEX-shaped secrets: 64 letters and digits (also valid base64, for the decoded form). */
function alnum(length: number): string {
	return Array.from(randomBytes(length), (b) => ALNUM[b % ALNUM.length]).join('');
}

const port = Number(flag('port') ?? process.env.SIM_PORT ?? 8765);
const seed = Number(flag('seed') ?? 1);
const group = Number(flag('group') ?? 6);
const server = await startAscendexSimServer({
	port,
	host: '127.0.0.1',
	seed,
	// By hand, a moving mark is nicer; the docs give no interval, tests keep it off.
	timing: { pricingPushMs: 3000 }
});

// Fake credentials that only this simulator process accepts.
const apiKey = alnum(32);
const secret = alnum(64);
const expireTime = Date.now() + 90 * 86_400_000;
server.sim.addAccount({ apiKey, secret, accountGroup: group, expireTime });

console.log(`AscendEX Futures Pro v2 simulator (seed ${seed})`);
console.log(`  REST        ${server.endpoints.rest}`);
console.log(`  public WS   ${server.endpoints.publicWs}`);
console.log(`  private WS  ${server.endpoints.privateWs(group)}`);
console.log('Simulator-only demo account (fake keys, valid only against this process):');
console.log(`  API key  ${apiKey}`);
console.log(`  secret   ${secret}`);
console.log(`  group    ${group}`);
console.log(`  expires  ${new Date(expireTime).toISOString()}`);
console.log('Ctrl+C to stop.');

process.once('SIGINT', () => {
	void server.close().then(() => process.exit(0));
});
