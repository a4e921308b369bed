// duck.mjs: the measurement benchmark's baseline.  DuckDB (from npm,
// @duckdb/node-api, installed into bench/measure/node_modules by `run`)
// reads the records backbone exported as CSV and computes the same figures
// as the bench framework's five indicators: every quarter (or year), the
// initiative and each partner, the total and each group, people counted
// once as coalesce(participant, -record).  Prints the seconds it took
// (loading the CSV, and the queries) as JSON on stdout and writes the
// figures to OUT as CSV: indicator,period,partner,by,group,value.
//
//   node duck.mjs DATAPACKAGE_DIR OUT
import { DuckDBInstance } from '@duckdb/node-api';
import { writeFileSync } from 'node:fs';

const [dir, out] = process.argv.slice(2);
const inst = await DuckDBInstance.create(':memory:', { threads: '2' });
const con = await inst.connect();
const q = (d) => `strftime(${d}, '%Y') || '-Q' || quarter(${d})`;

const t0 = performance.now();
await con.run(`CREATE TABLE e AS SELECT _record_id AS record_id, _partner AS partner,
  _participant_id AS participant_id, grade, sex,
  birth_date::DATE AS birth, entry_date::DATE AS d
  FROM read_csv('${dir}/records/enrollments.csv', header = true, all_varchar = true)`);
await con.run(`CREATE TABLE s AS SELECT _record_id::BIGINT AS record_id, _partner AS partner,
  _participant_id::BIGINT AS participant_id, site, service_date::DATE AS d, outcome,
  minutes::INTEGER AS minutes
  FROM read_csv('${dir}/records/services.csv', header = true, all_varchar = true)`);
await con.run(`CREATE TABLE c AS SELECT _partner AS partner, _period AS period, grade, n::BIGINT AS n
  FROM read_csv('${dir}/records/counts.csv', header = true, all_varchar = true)`);
const t1 = performance.now();

// One GROUP BY GROUPING SETS per indicator: (period), (period, partner),
// (period, g), (period, partner, g).
const sets = (p, g) => `GROUPING SETS ((${p}), (${p}, partner), (${p}, ${g}), (${p}, partner, ${g}))`;
const key = (g, name) => `coalesce(partner, '') AS partner,
  CASE WHEN grouping(${g}) = 0 THEN '${name}' ELSE '' END AS "by",
  CASE WHEN grouping(${g}) = 0 THEN ${g} ELSE '' END AS "group"`;
const who = `coalesce(participant_id::BIGINT, -record_id::BIGINT)`;
const queries = {
  enrolled: `SELECT 'enrolled' AS ind, period, partner, "by", "group", sum(v) AS value FROM (
      SELECT ${q('d')} AS period, ${key('grade', 'grade')}, count(DISTINCT ${who}) AS v
        FROM e GROUP BY ${sets(q('d'), 'grade')}
      UNION ALL
      SELECT period, ${key('grade', 'grade')}, sum(n) AS v
        FROM c GROUP BY ${sets('period', 'grade')})
    GROUP BY ALL`,
  served: `SELECT 'served', ${q('d')} AS period, ${key('site', 'site')}, count(DISTINCT ${who})
    FROM s GROUP BY ${sets(q('d'), 'site')}`,
  met: `SELECT 'met', ${q('d')} AS period, ${key('site', 'site')},
      100.0 * count(DISTINCT CASE WHEN outcome = 'met' THEN ${who} END) / count(DISTINCT ${who})
    FROM s GROUP BY ${sets(q('d'), 'site')}`,
  minutes: `SELECT 'minutes', ${q('d')} AS period, coalesce(partner, ''), '', '',
      quantile_cont(minutes, 0.5)
    FROM s GROUP BY GROUPING SETS ((${q('d')}), (${q('d')}, partner))`,
  young: `WITH y AS (SELECT *, strftime(d, '%Y') AS year,
        year(d) - year(birth) AS age FROM e),
      b AS (SELECT *, CASE WHEN age < 0 THEN 'under 0' WHEN age < 5 THEN '0-4'
        WHEN age < 12 THEN '5-11' WHEN age < 18 THEN '12-17' WHEN age < 25 THEN '18-24'
        WHEN age < 65 THEN '25-64' ELSE '65+' END AS band FROM y)
    SELECT 'young', year, coalesce(partner, ''),
      CASE WHEN grouping(sex) = 0 THEN 'sex' WHEN grouping(band) = 0 THEN 'age_band' ELSE '' END,
      CASE WHEN grouping(sex) = 0 THEN sex WHEN grouping(band) = 0 THEN band ELSE '' END,
      count(DISTINCT CASE WHEN age < 12 THEN ${who} END)
    FROM b GROUP BY GROUPING SETS ((year), (year, partner), (year, sex), (year, partner, sex),
      (year, band), (year, partner, band))`,
};
const lines = ['indicator,period,partner,by,group,value'];
for (const sql of Object.values(queries)) {
  const r = await con.runAndReadAll(sql);
  for (const row of r.getRows())
    lines.push(row.map((v) => (v === null ? '' : String(v))).join(','));
}
const t2 = performance.now();
writeFileSync(out, lines.join('\n') + '\n');
console.log(JSON.stringify({ load: (t1 - t0) / 1000, query: (t2 - t1) / 1000,
  total: (t2 - t0) / 1000, figures: lines.length - 1 }));
