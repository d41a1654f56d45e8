// gen.cjs -- the Parquet fixtures of tests/pq and their text logs. A dev
// tool, never run by make check (which uses the committed files):
//
//   mkdir -p /tmp/pqgen && cd /tmp/pqgen && npm init -y &&
//     npm install @duckdb/node-api@1.5.6-r.1 parquet-wasm@0.8.0 apache-arrow@21.2.0 \
//       @dsnp/parquetjs@1.8.8
//   PQGEN_MODULES=/tmp/pqgen/node_modules node tests/pq/gen/gen.cjs tests/pq
//
// Two record sets, each a text log (version 2 text with a header line, a
// null written '-') and the same records as Parquet by three independent
// writers: DuckDB (C++), parquet-wasm (the Rust arrow-rs writer) and
// @dsnp/parquetjs (JavaScript). The column names and types are the VPC
// user guide's Parquet table (version int32, account_id string, ...,
// packets int64, ...). Beside them, files that must fail with a clear
// message: codecs and encodings not supported (small-zstd, small-lz4,
// small-bss), and damaged files (bad-*) made by
// re-encoding a footer or page header with parquetjs's Thrift classes.
'use strict';
const path = require('path');
const fs = require('fs');
const { createRequire } = require('module');

const mods = process.env.PQGEN_MODULES || '/tmp/pqgen/node_modules';
const req = createRequire(path.join(mods, 'x.js'));
const { DuckDBInstance } = req('@duckdb/node-api');
const pw = req('parquet-wasm/node');
const arrow = req('apache-arrow');
const parquetjs = req('@dsnp/parquetjs');
const pjutil = req('@dsnp/parquetjs/dist/lib/util.js');
const ptypes = req('@dsnp/parquetjs/dist/gen-nodejs/parquet_types.js');
const Int64 = req('node-int64');

const out = process.argv[2];
if (!out) {
	console.error('usage: node gen.cjs OUTDIR');
	process.exit(2);
}

// the columns: Parquet name, type; the text name is the name with '-'
const ALL = [
	['version', 'int32'], ['account_id', 'string'], ['interface_id', 'string'],
	['srcaddr', 'string'], ['dstaddr', 'string'], ['srcport', 'int32'], ['dstport', 'int32'],
	['protocol', 'int32'], ['packets', 'int64'], ['bytes', 'int64'], ['start', 'int64'],
	['end', 'int64'], ['action', 'string'], ['log_status', 'string'], ['vpc_id', 'string'],
	['subnet_id', 'string'], ['instance_id', 'string'], ['tcp_flags', 'int32'], ['type', 'string'],
	['pkt_srcaddr', 'string'], ['pkt_dstaddr', 'string'], ['region', 'string'],
	['az_id', 'string'], ['flow_direction', 'string'], ['traffic_path', 'int32'],
];

// a deterministic generator (xorshift32)
function rng(seed) {
	let x = seed >>> 0 || 1;
	return (n) => {
		x ^= x << 13; x >>>= 0;
		x ^= x >>> 17;
		x ^= x << 5; x >>>= 0;
		return x % n;
	};
}

// records -- n rows of the columns cols, as objects (null: absent)
function records(n, cols, seed) {
	const r = rng(seed);
	const ports = [80, 443, 22, 53, 3389, 25, 110, 8080, 123, 5432, 0, 65535];
	const protos = [6, 6, 6, 17, 17, 1, 58, 47, 50, 132, 253, 0];
	const rows = [];
	for (let i = 0; i < n; i++) {
		const ip = () => `10.${r(4)}.${r(256)}.${r(256)}`;
		const start = 1620140700 + i * 7 + r(5);
		const row = {
			version: 5, account_id: '123456789012', interface_id: `eni-0a1b2c3d${r(40).toString(16).padStart(4, '0')}`,
			srcaddr: ip(), dstaddr: ip(), srcport: r(65536),
			dstport: r(3) ? ports[r(ports.length)] : 1024 + r(64000),
			protocol: protos[r(protos.length)], packets: 1 + r(500),
			bytes: r(50) ? 40 + r(1500000) : 4294967296 * (1 + r(9)) + r(1000),
			start, end: start + 60, action: r(4) ? 'ACCEPT' : 'REJECT', log_status: 'OK',
			vpc_id: `vpc-${r(3)}f00d`, subnet_id: `subnet-${r(20)}aa`,
			instance_id: r(5) ? `i-0${r(300).toString(16)}` : null, tcp_flags: [0, 2, 18, 19, 3][r(5)],
			type: r(8) ? 'IPv4' : 'IPv6', pkt_srcaddr: ip(), pkt_dstaddr: ip(),
			region: ['us-east-1', 'eu-west-1'][r(2)], az_id: `use1-az${1 + r(6)}`,
			flow_direction: r(2) ? 'ingress' : 'egress', traffic_path: r(3) ? null : 1 + r(8),
		};
		if (i % 97 === 5) {
			// AWS writes a NODATA record with the flow's fields absent
			for (const k of ['srcaddr', 'dstaddr', 'srcport', 'dstport', 'protocol', 'packets',
			    'bytes', 'action', 'tcp_flags', 'pkt_srcaddr', 'pkt_dstaddr', 'type',
			    'flow_direction', 'traffic_path'])
				row[k] = null;
			row.log_status = i % 2 ? 'NODATA' : 'SKIPDATA';
		}
		if (i % 211 === 7)
			row.dstport = null;             // nodata by the rule, in text too
		if (i % 389 === 11)
			row.protocol = null;
		if (i % 503 === 13)
			row.dstport = 70000;            // malformed, in text too
		if (i % 601 === 17)
			row.protocol = -6;
		rows.push(row);
	}
	return rows.map((row) => Object.fromEntries(cols.map(([c]) => [c, row[c]])));
}

function textlog(rows, cols) {
	const head = cols.map(([c]) => c.replace(/_/g, '-')).join(' ');
	const lines = rows.map((row) => cols.map(([c]) => (row[c] === null ? '-' : String(row[c]))).join(' '));
	return head + '\n' + lines.join('\n') + '\n';
}

// --- DuckDB ---
async function duckdb(logfile, cols, files) {
	const inst = await DuckDBInstance.create(':memory:');
	const con = await inst.connect();
	const types = cols.map(([c, t]) => `'${c}': '${t === 'int32' ? 'INTEGER' : t === 'int64' ? 'BIGINT' : 'VARCHAR'}'`);
	await con.run(`create table t as select * from read_csv('${logfile}', delim=' ', header=true,
	    nullstr='-', quote='', escape='', columns={${types.join(', ')}})`);
	for (const [name, opts] of files)
		await con.run(`copy t to '${path.join(out, name)}' (format parquet, ${opts})`);
}

// --- parquet-wasm (arrow-rs) ---
function arrowtable(rows, cols) {
	const data = {};
	for (const [c, t] of cols) {
		const vals = rows.map((r) => r[c]);
		if (t === 'int32')
			data[c] = arrow.vectorFromArray(vals, new arrow.Int32());
		else if (t === 'int64')
			data[c] = arrow.vectorFromArray(vals.map((v) => (v === null ? null : BigInt(v))), new arrow.Int64());
		else
			data[c] = arrow.vectorFromArray(vals, new arrow.Utf8());
	}
	return new arrow.Table(data);
}

function arrowwrite(name, table, setup) {
	const ipc = arrow.tableToIPC(table, 'stream');
	const wt = pw.Table.fromIPCStream(ipc);
	let b = new pw.WriterPropertiesBuilder().setCreatedBy('flowtag tests/pq/gen');
	b = setup(b);
	fs.writeFileSync(path.join(out, name), pw.writeParquet(wt, b.build()));
}

// --- @dsnp/parquetjs ---
async function pjwrite(name, rows, cols, opts) {
	const spec = {};
	for (const [c, t] of cols)
		spec[c] = { type: t === 'int32' ? 'INT32' : t === 'int64' ? 'INT64' : 'UTF8', optional: true,
		    compression: opts.compression };
	const schema = new parquetjs.ParquetSchema(spec);
	const w = await parquetjs.ParquetWriter.openFile(schema, path.join(out, name),
	    { useDataPageV2: opts.v2, rowGroupSize: opts.rowGroupSize, pageSize: opts.pageSize });
	for (const r of rows) {
		const o = {};
		for (const [c, t] of cols)
			if (r[c] !== null)
				o[c] = t === 'int64' ? BigInt(r[c]) : r[c];
		await w.appendRow(o);
	}
	await w.close();
}

// --- damage, by re-encoding Thrift structures ---
function footerOf(buf) {
	const flen = buf.readUInt32LE(buf.length - 8);
	const md = new ptypes.FileMetaData();
	pjutil.decodeThrift(md, buf, buf.length - 8 - flen);
	return md;
}

function withFooter(buf, md) {
	const flen = buf.readUInt32LE(buf.length - 8);
	const body = buf.subarray(0, buf.length - 8 - flen);
	const f = pjutil.serializeThrift(md);
	const tail = Buffer.alloc(8);
	tail.writeUInt32LE(f.length, 0);
	tail.write('PAR1', 4);
	return Buffer.concat([body, f, tail]);
}

// withPage -- the page header at off changed by fn, the rest as it was
// (the page header's new length shifts what follows: damage the last chunk)
function withPage(buf, off, fn) {
	const ph = new ptypes.PageHeader();
	const n = pjutil.decodeThrift(ph, buf, off);
	fn(ph);
	const h = pjutil.serializeThrift(ph);
	return Buffer.concat([buf.subarray(0, off), h, buf.subarray(off + n)]);
}

function num(x) {
	return typeof x === 'number' ? x : Number(x.toString());
}

async function main() {
	fs.mkdirSync(out, { recursive: true });
	const v2cols = ALL.filter(([c]) => ['version', 'account_id', 'interface_id', 'srcaddr', 'dstaddr',
	    'srcport', 'dstport', 'protocol', 'packets', 'bytes', 'start', 'end', 'action', 'log_status',
	    'vpc_id', 'tcp_flags', 'flow_direction', 'traffic_path'].includes(c));

	// DuckDB: 4300 rows, row groups of 2048 (its least), v1 and v2 pages
	const drows = records(4300, v2cols, 17);
	const dlog = path.join(out, 'duckdb.log');
	fs.writeFileSync(dlog, textlog(drows, v2cols));
	await duckdb(dlog, v2cols, [
		['duckdb-gzip.parquet', 'compression gzip, row_group_size 2048'],
		['duckdb-snappy.parquet', 'compression snappy, row_group_size 2048'],
		['duckdb-none.parquet', 'compression uncompressed, row_group_size 2048'],
		['duckdb-v2.parquet', 'compression snappy, row_group_size 2048, parquet_version v2'],
	]);

	// arrow-rs and parquetjs: every column of the table, 1500 rows
	const arows = records(1500, ALL, 29);
	fs.writeFileSync(path.join(out, 'arrow.log'), textlog(arows, ALL));
	const t = arrowtable(arows, ALL);
	const C = pw.Compression, E = pw.Encoding, V = pw.WriterVersion;
	// dictionary pages, falling back to PLAIN where a dictionary outgrows 2 KB
	arrowwrite('arrow-gzip-v1.parquet', t, (b) => b.setCompression(C.GZIP).setWriterVersion(V.V1)
	    .setMaxRowGroupSize(400).setDataPageSizeLimit(1024).setDictionaryPageSizeLimit(2048));
	arrowwrite('arrow-snappy-v2.parquet', t, (b) => b.setCompression(C.SNAPPY).setWriterVersion(V.V2)
	    .setMaxRowGroupSize(700).setDataPageSizeLimit(2048).setDictionaryPageSizeLimit(4096));
	// PLAIN only
	arrowwrite('arrow-plain-v2.parquet', t, (b) => b.setCompression(C.UNCOMPRESSED)
	    .setWriterVersion(V.V2).setDictionaryEnabled(false).setEncoding(E.PLAIN)
	    .setMaxRowGroupSize(600).setDataPageSizeLimit(4096));
	arrowwrite('arrow-plain-v1.parquet', t, (b) => b.setCompression(C.SNAPPY)
	    .setWriterVersion(V.V1).setDictionaryEnabled(false).setEncoding(E.PLAIN)
	    .setMaxRowGroupSize(1000));

	fs.writeFileSync(path.join(out, 'parquetjs.log'), textlog(arows.slice(0, 900), ALL));
	await pjwrite('parquetjs-gzip-v1.parquet', arows.slice(0, 900), ALL,
	    { compression: 'GZIP', v2: false, rowGroupSize: 300, pageSize: 2048 });
	await pjwrite('parquetjs-snappy-v2.parquet', arows.slice(0, 900), ALL,
	    { compression: 'SNAPPY', v2: true, rowGroupSize: 400, pageSize: 4096 });

	// small files for the errors and the fuzz seeds: 3 columns, 40 rows
	const scols = ALL.filter(([c]) => ['dstport', 'protocol', 'log_status'].includes(c));
	const srows = records(40, scols, 5);
	fs.writeFileSync(path.join(out, 'small.log'), textlog(srows, scols));
	const st = arrowtable(srows, scols);
	arrowwrite('small-zstd.parquet', st, (b) => b.setCompression(C.ZSTD));
	arrowwrite('small-lz4.parquet', st, (b) => b.setCompression(C.LZ4_RAW));
	arrowwrite('small-bss.parquet', st, (b) => b.setCompression(C.UNCOMPRESSED)
	    .setDictionaryEnabled(false).setColumnEncoding('dstport', E.BYTE_STREAM_SPLIT));
	arrowwrite('small-delta-bytes.parquet', st, (b) => b.setCompression(C.UNCOMPRESSED)
	    .setDictionaryEnabled(false).setColumnEncoding('log_status', E.DELTA_BYTE_ARRAY));
	arrowwrite('small-none.parquet', st, (b) => b.setCompression(C.UNCOMPRESSED)
	    .setMaxRowGroupSize(16));
	arrowwrite('small-snappy.parquet', st, (b) => b.setCompression(C.SNAPPY).setWriterVersion(V.V2)
	    .setMaxRowGroupSize(16));
	arrowwrite('small-gzip.parquet', st, (b) => b.setCompression(C.GZIP).setMaxRowGroupSize(16)
	    .setDictionaryEnabled(false).setEncoding(E.PLAIN));
	await duckdb(path.join(out, 'small.log'), scols, [
		['small-duckdb.parquet', 'compression gzip'],
		['small-duckdb-v2.parquet', 'compression uncompressed, parquet_version v2'],
	]);

	// unsigned and extreme integers: DuckDB's USMALLINT, UTINYINT, UBIGINT,
	// UINTEGER (INT32 and INT64 annotated UINT_16, UINT_8, UINT_64, UINT_32)
	const ulog = 'dstport protocol packets bytes srcport start\n' +
	    '65535 255 18446744073709551615 4294967295 -2147483648 -9223372036854775808\n' +
	    '80 6 1 2147483648 2147483647 9223372036854775807\n' +
	    '0 0 9223372036854775808 0 -1 -1\n';
	fs.writeFileSync(path.join(out, 'small-uint.log'), ulog);
	{
		const inst = await DuckDBInstance.create(':memory:');
		const con = await inst.connect();
		await con.run(`copy (select * from (values
		    (65535::USMALLINT, 255::UTINYINT, 18446744073709551615::UBIGINT, 4294967295::UINTEGER,
		     (-2147483648)::INTEGER, (-9223372036854775808)::BIGINT),
		    (80, 6, 1, 2147483648, 2147483647, 9223372036854775807),
		    (0, 0, 9223372036854775808, 0, -1, -1))
		    v(dstport, protocol, packets, bytes, srcport, start))
		    to '${path.join(out, 'small-uint.parquet')}' (format parquet, compression uncompressed)`);
	}

	// damaged: one column chunk's offset past the file, a page size beyond
	// its chunk, a dictionary that holds fewer values than its indices
	// name, a footer whose row group lists a column too few
	const good = fs.readFileSync(path.join(out, 'small-none.parquet'));
	let md = footerOf(good);
	md.row_groups[1].columns[0].meta_data.data_page_offset = new Int64(good.length * 4);
	md.row_groups[1].columns[0].meta_data.dictionary_page_offset = new Int64(good.length * 3);
	fs.writeFileSync(path.join(out, 'bad-offset.parquet'), withFooter(good, md));

	md = footerOf(good);
	const last = md.row_groups[md.row_groups.length - 1].columns[2].meta_data;
	const lastoff = num(last.dictionary_page_offset || last.data_page_offset);
	fs.writeFileSync(path.join(out, 'bad-pagesize.parquet'),
	    withPage(good, lastoff, (ph) => { ph.compressed_page_size = 1000000; }));
	// the first group's log_status: two values in its dictionary, one left
	// (the header keeps its length, so nothing after it moves)
	const first = md.row_groups[0].columns[2].meta_data;
	const firstoff = num(first.dictionary_page_offset);
	const bad = withPage(good, firstoff, (ph) => { ph.dictionary_page_header.num_values = 1; });
	if (bad.length !== good.length)
		throw new Error('bad-dictindex: the page header changed its length');
	fs.writeFileSync(path.join(out, 'bad-dictindex.parquet'), bad);

	md = footerOf(good);
	md.row_groups[0].columns.pop();
	fs.writeFileSync(path.join(out, 'bad-columns.parquet'), withFooter(good, md));
}

main().catch((e) => {
	console.error(e);
	process.exit(1);
});
