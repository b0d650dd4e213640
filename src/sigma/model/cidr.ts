import ipaddr from 'ipaddr.js';

export type ParsedCidr = [ipaddr.IPv4 | ipaddr.IPv6, number];

export function parseCidr(text: string): ParsedCidr | undefined {
  try {
    if (!text.includes('/')) {
      const addr = ipaddr.parse(text);
      return [addr, addr.kind() === 'ipv4' ? 32 : 128];
    }
    return ipaddr.parseCIDR(text);
  } catch {
    return undefined;
  }
}

/** True when `ip` (text) lies in `network`; IPv4-mapped IPv6 addresses count as IPv4. */
export function ipInCidr(ip: string, network: ParsedCidr): boolean {
  if (ip.length > 64 || !ipaddr.isValid(ip)) return false;
  let addr = ipaddr.parse(ip);
  const [net] = network;
  if (addr.kind() === 'ipv6' && net.kind() === 'ipv4' && (addr as ipaddr.IPv6).isIPv4MappedAddress()) {
    addr = (addr as ipaddr.IPv6).toIPv4Address();
  }
  if (addr.kind() !== net.kind()) return false;
  return addr.match(network as [ipaddr.IPv4, number] & [ipaddr.IPv6, number]);
}

/** A literal prefix every address in the network shares when written out (`10.` for 10.0.0.0/8). */
export function cidrLiteralPrefix(network: ParsedCidr): string {
  const [addr, bits] = network;
  if (addr.kind() !== 'ipv4') return '';
  const octets = (addr as ipaddr.IPv4).octets;
  const whole = Math.floor(bits / 8);
  return whole === 0 ? '' : octets.slice(0, whole).join('.') + (whole < 4 ? '.' : '');
}
