// bench-duckdb.mjs -- flowtag's job as a DuckDB query: the peer that
// scripts/bench.sh times against flowtag.sh. Bench only: never a dependency
// of the programs or of make check.
//
//   node scripts/bench-duckdb.mjs -d MODDIR -p PROTOS -l LOOKUP -o OUTDIR [-H]
//        [-t N] INPUT...
//   node scripts/bench-duckdb.mjs -d MODDIR -P PARQUET [-H] [-t N] INPUT...
//
// MODDIR is where `npm install --prefix MODDIR @duckdb/node-api` put its
// node_modules. PROTOS holds the 256 protocol names flowtag prints, one a
// line (number 0 first). Each INPUT is a file or a glob (DuckDB expands it); .gz
// files are decompressed by DuckDB; inputs ending in .parquet are read as
// Parquet (AWS column names). -H: every text file starts with the AWS
// header line (version account-id ... log-status). -t: threads (default 2).
// -P writes the records of the text INPUTs into PARQUET instead, GZIP
// compressed, with the column names and types of the VPC user guide's
// Parquet table (a malformed line is dropped; NODATA keeps null fields).
//
// What a user needs for flowtag's answer, in one query: read the version 2
// records (14 fields split at one space), keep those with log-status OK and
// a valid key (dstport 0..65535, protocol 0..255; a line with another
// field count or a key that is not a number is dropped by ignore_errors,
// as flowtag reports it malformed), count them per (dstport, protocol),
// join with the lookup table (protocol keywords in any case or numbers;
// the first row of a key wins, as in flow-tag) and write into OUTDIR
//   port_protocol_counts.csv  Port,Protocol,Count (protocol by IANA keyword)
//   tag_counts.csv            Tag,Count, with an Untagged row
//   untagged_flows.csv        Port,Protocol,Count of the keys without a tag
//   totals.csv                Metric,Value: flows, tagged, untagged
// Rows are ordered by count descending, then port, then protocol name:
// the bench compares the rows as sorted sets, not their order.
//
// Not done (the bench's lookup tables have none): port ranges N-M and *;
// error.log and the malformed/nodata counts; -m bytes|packets.
import { createRequire } from 'node:module';
import { mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const prog = 'bench-duckdb';

function usage(code) {
	const out = code ? process.stderr : process.stdout;
	out.write('usage: node scripts/bench-duckdb.mjs -d MODDIR -p PROTOS -l LOOKUP -o OUTDIR [-H] [-t N] INPUT...\n'
	    + '       node scripts/bench-duckdb.mjs -d MODDIR -P PARQUET [-H] [-t N] INPUT...\n');
	process.exit(code);
}

function die(msg) {
	process.stderr.write(`${prog}: ${msg}\n`);
	process.exit(1);
}

let moddir = '', protos = '', lookup = '', outdir = '', parquet = '', header = false, threads = 2;
const inputs = [];
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i++) {
	const a = argv[i];
	const val = () => {
		if (i + 1 >= argv.length)
			usage(2);
		return argv[++i];
	};
	if (a === '-h')
		usage(0);
	else if (a === '-d')
		moddir = val();
	else if (a === '-l')
		lookup = val();
	else if (a === '-p')
		protos = val();
	else if (a === '-o')
		outdir = val();
	else if (a === '-P')
		parquet = val();
	else if (a === '-H')
		header = true;
	else if (a === '-t') {
		threads = Number(val());
		if (!Number.isInteger(threads) || threads < 1)
			usage(2);
	} else if (a === '--')
		inputs.push(...argv.slice(i + 1)), i = argv.length;
	else if (a.startsWith('-') && a !== '-')
		usage(2);
	else
		inputs.push(a);
}
if (!moddir || inputs.length === 0 || (parquet ? lookup || outdir || protos : !lookup || !outdir || !protos))
	usage(2);

let duckdb;
try {
	duckdb = createRequire(join(resolve(moddir), 'index.js'))('@duckdb/node-api');
} catch (e) {
	die(`cannot load @duckdb/node-api from ${moddir}: ${e.message.split("\n")[0]}`);
}

// the protocol names as flowtag prints them, line N+1 for number N (-p:
// bench.sh has flow-parse print them): (num, name, keyword?, printed?).
// The second keyword of 84 (iptm) is not known here: the bench's lookup
// tables name protocols as flow-parse prints them.
let pnames = [];
if (protos) {
	try {
		pnames = readFileSync(protos, 'utf8').split('\n').slice(0, 256);
	} catch (e) {
		die(`${protos}: ${e.message}`);
	}
	if (pnames.length !== 256 || pnames.some((n) => !/^[a-z0-9][a-z0-9.+\/-]*$/.test(n)))
		die(`${protos}: not 256 protocol names, one a line`);
}
const names = pnames.map((n, i) => `(${i}, '${n}', ${/^[0-9]+$/.test(n) ? 'false' : 'true'}, true)`);

const q = (s) => `'${s.replace(/'/g, "''")}'`;
const out = (f) => q(join(outdir, f));
const cols = ['version', 'account_id', 'interface_id', 'srcaddr', 'dstaddr', 'srcport',
	'dstport', 'protocol', 'packets', 'bytes', 'start', 'end', 'action', 'log_status'];
const int32 = ['version', 'srcport', 'dstport', 'protocol'];
const int64 = ['packets', 'bytes', 'start', 'end'];
// counting needs only the key typed; the Parquet file gets the AWS types
const type = (c) => c === 'dstport' || c === 'protocol' || (parquet && int32.includes(c)) ? 'INTEGER'
	: parquet && int64.includes(c) ? 'BIGINT' : 'VARCHAR';
const types = cols.map((c) => `'${c}': '${type(c)}'`).join(', ');
const files = `[${inputs.map(q).join(', ')}]`;
const source = inputs.every((f) => f.endsWith('.parquet'))
	? `read_parquet(${files})`
	: `read_csv(${files}, header = ${header}, auto_detect = false, delim = ' ',
	            quote = '', escape = '', nullstr = '-', ignore_errors = true,
	            columns = {${types}})`;

const sql = [
	`SET threads = ${threads}`,
	`CREATE TEMP TABLE proto AS SELECT * FROM (VALUES ${names.join(', ')}) t(num, name, iskw, canon)`,
	// the lookup: first row of a key wins; protocol names in any case
	`CREATE TEMP TABLE lk AS
	 WITH raw AS (
		SELECT *, row_number() OVER () AS rn
		FROM read_csv(${q(lookup)}, header = true, auto_detect = false, delim = ',',
		              columns = {'dstport': 'VARCHAR', 'protocol': 'VARCHAR', 'tag': 'VARCHAR'})),
	 k AS (
		SELECT try_cast(trim(raw.dstport) AS INTEGER) AS port,
		       coalesce(try_cast(trim(raw.protocol) AS INTEGER), p.num) AS proto,
		       trim(raw.tag) AS tag, rn
		FROM raw LEFT JOIN proto p ON p.iskw AND p.name = lower(trim(raw.protocol)))
	 SELECT port, proto, arg_min(tag, rn) AS tag FROM k
	 WHERE port BETWEEN 0 AND 65535 AND proto BETWEEN 0 AND 255
	 GROUP BY port, proto`,
	// the flows: one pass over every input
	`CREATE TEMP TABLE pp AS
	 SELECT dstport, protocol, count(*) AS n
	 FROM ${source}
	 WHERE log_status = 'OK' AND dstport BETWEEN 0 AND 65535 AND protocol BETWEEN 0 AND 255
	 GROUP BY dstport, protocol`,
	`CREATE TEMP TABLE tagged AS
	 SELECT pp.dstport AS port, p.name AS pname, pp.n, lk.tag
	 FROM pp JOIN proto p ON p.num = pp.protocol AND p.canon
	 LEFT JOIN lk ON lk.port = pp.dstport AND lk.proto = pp.protocol`,
	`COPY (SELECT port AS "Port", pname AS "Protocol", n AS "Count" FROM tagged
	       ORDER BY n DESC, port, pname) TO ${out('port_protocol_counts.csv')} (HEADER, DELIMITER ',')`,
	`COPY (SELECT port AS "Port", pname AS "Protocol", n AS "Count" FROM tagged WHERE tag IS NULL
	       ORDER BY n DESC, port, pname) TO ${out('untagged_flows.csv')} (HEADER, DELIMITER ',')`,
	`COPY (SELECT t AS "Tag", c AS "Count" FROM (
	         SELECT coalesce(tag, 'Untagged') AS t, sum(n) AS c FROM tagged GROUP BY ALL
	         UNION ALL SELECT 'Untagged', 0 WHERE NOT EXISTS (SELECT 1 FROM tagged WHERE tag IS NULL))
	       ORDER BY c DESC, t) TO ${out('tag_counts.csv')} (HEADER, DELIMITER ',')`,
	`COPY (SELECT * FROM (VALUES
	         ('flows', (SELECT coalesce(sum(n), 0) FROM tagged)),
	         ('tagged', (SELECT coalesce(sum(n), 0) FROM tagged WHERE tag IS NOT NULL)),
	         ('untagged', (SELECT coalesce(sum(n), 0) FROM tagged WHERE tag IS NULL))) t("Metric", "Value"))
	       TO ${out('totals.csv')} (HEADER, DELIMITER ',')`,
];

if (parquet) {
	sql.length = 0;
	sql.push(`SET threads = ${threads}`,
		`COPY (SELECT * FROM ${source}) TO ${q(parquet)} (FORMAT PARQUET, COMPRESSION GZIP)`);
} else {
	try {
		mkdirSync(outdir, { recursive: true });
	} catch (e) {
		die(`${outdir}: ${e.message}`);
	}
}
let con;
try {
	const db = await duckdb.DuckDBInstance.create(':memory:');
	con = await db.connect();
	for (const s of sql)
		await con.run(s);
} catch (e) {
	die(e.message.split('\n')[0]);
} finally {
	if (con)
		con.closeSync();
}
