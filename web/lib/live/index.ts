export { LiveSocket, backoffDelay, type SocketState } from './socket.svelte';
export { liveStatus, STATUS_LABEL, type LiveStatus } from './status.svelte';
export { RackLive, seriesId, combineSeries } from './rack.svelte';
export { DatacenterLive } from './datacenter.svelte';
export { clock } from './clock.svelte';
export * from './types';
export * from './metrics';
export * from './heat';
export * from './history';
