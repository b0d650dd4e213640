export { parseSyslog, createSyslogParser, DEFAULT_MAX_SYSLOG_LENGTH, type SyslogParseOptions, type SyslogParser } from './parse.js';
export { parseRfc5424, scanStructuredData, type Rfc5424Options } from './rfc5424.js';
export { parseRfc3164, type Rfc3164Options } from './rfc3164.js';
export { SyslogFrameDecoder, DEFAULT_MAX_FRAME_BYTES, type FrameDecoderOptions, type FrameEvent, type Framing } from './framing.js';
export { FACILITY_NAMES, SEVERITY_NAMES, type ParseContext, type StructuredDataElement, type SyslogRecord } from './record.js';
export { zoneResolver, type SyslogTimestamp, type ZoneResolver } from './timestamp.js';
