export {
	BitgetSimExchange,
	type BitgetAccountHandle,
	type BitgetAccountOptions,
	type BitgetFaults,
	type BitgetLoggedRequest,
	type BitgetPositionView,
	type BitgetRestRequest,
	type BitgetRestResponse,
	type BitgetSeedOrder,
	type BitgetSeedPosition,
	type BitgetSimOptions,
	type BitgetTiming,
	type BitgetTrade
} from './bitget-sim';
export { BITGET_CONTRACTS, type BitgetContract } from './contracts';
export { bookChecksum, checksumString, crc32Signed } from './checksum';
export type { SocketHandle, SocketKind } from './ws-session';
