/**
 * The in-page Demo's Bitget simulator, in a Web Worker like the BitMart one (demo-worker.ts):
 * the Bitget demo account, its positions at today's prices and two months of history for the
 * history screen. The page reaches it through port-transport.ts.
 */
import { BITGET_DEMO_ACCOUNT, BITGET_DEMO_SEEDS } from '../../lib/exchanges/bitget/demo-account';
import { BitgetSimExchange } from '../bitget';
import { seedHistory } from '../core/history';
import { createBitgetBackend } from './bitget-transport';
import { serveBackend, type Port } from './port-transport';

const sim = new BitgetSimExchange({ seed: Date.now() % 100000 });
sim.start();
const account = sim.addAccount({
	apiKey: BITGET_DEMO_ACCOUNT.apiKey,
	secret: BITGET_DEMO_ACCOUNT.secret,
	passphrase: BITGET_DEMO_ACCOUNT.fields.passphrase,
	posMode: 'hedge_mode',
	usdt: '25000'
});
seedHistory(account.state, sim.engine, { days: 60, fillsPerDay: 12, now: Date.now() - 1000 });
for (const s of BITGET_DEMO_SEEDS) {
	const m = sim.engine.get(s.symbol)!;
	account.seedPosition({
		symbol: s.symbol,
		holdSide: s.holdSide,
		size: s.size,
		openPriceAvg: (m.priceOf(m.mark) * (1 + s.offset)).toFixed(m.decimals),
		leverage: s.leverage,
		marginMode: s.mode
	});
}
serveBackend(createBitgetBackend(sim), globalThis as unknown as Port);
