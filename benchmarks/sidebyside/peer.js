// peer.js ENGINE FILE QI [SUBJECT]: the headline figures of reidrisk analyze
// (rows, classes, k, sample uniques and, with a subject column,
// k_subjects = the fewest distinct subjects in a class) from DuckDB or
// Polars, as one JSON object on stdout. ENGINE is duckdb or polars; FILE a
// .csv or .parquet file; QI a comma-separated list of columns.
'use strict';
const [engine, file, qiList, subject] = process.argv.slice(2);
const qi = qiList.split(',');
const parquet = file.endsWith('.parquet');

async function duckdb() {
  const { DuckDBInstance } = require('@duckdb/node-api');
  const db = await DuckDBInstance.create(':memory:');
  const con = await db.connect();
  const q = (s) => '"' + s.replace(/"/g, '""') + '"';
  const src = parquet ? `read_parquet('${file}')` : `read_csv('${file}', header = true)`;
  const per = subject ? `, count(DISTINCT ${q(subject)}) AS s` : '';
  const ks = subject ? ', min(s) AS k_subjects' : '';
  const sql = `WITH c AS (SELECT count(*) AS n${per} FROM ${src} GROUP BY ${qi.map(q).join(', ')})
    SELECT sum(n) AS rows, count(*) AS classes, min(n) AS k, count(*) FILTER (WHERE n = 1) AS sample_uniques${ks} FROM c`;
  const r = await con.runAndReadAll(sql);
  const row = r.getRowObjects()[0];
  const out = {};
  for (const [k, v] of Object.entries(row)) out[k] = Number(v);
  return out;
}

async function polars() {
  const pl = require('nodejs-polars');
  const lf = parquet ? pl.scanParquet(file) : pl.scanCSV(file);
  const aggs = [pl.col(qi[0]).count().alias('n')];
  if (subject) aggs.push(pl.col(subject).nUnique().alias('s'));
  const sel = [pl.col('n').sum().alias('rows'), pl.col('n').count().alias('classes'), pl.col('n').min().alias('k'),
    pl.col('n').eq(1).sum().alias('sample_uniques')];
  if (subject) sel.push(pl.col('s').min().alias('k_subjects'));
  const df = await lf.groupBy(qi).agg(...aggs).select(...sel).collect();
  const row = df.toRecords()[0];
  const out = {};
  for (const [k, v] of Object.entries(row)) out[k] = Number(v);
  return out;
}

(engine === 'duckdb' ? duckdb() : polars()).then(
  (r) => console.log(JSON.stringify(r)),
  (e) => { console.error(e); process.exit(1); });
