export { UdpSyslogListener, type SyslogListener } from './udp.js';
export { TcpSyslogListener } from './tcp.js';
export { resolveOptions, type SyslogListenerOptions, type SyslogTlsOptions } from './options.js';
export type { SyslogStats } from './stats.js';
