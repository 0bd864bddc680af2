#!/usr/bin/env python3
"""The pairing step of `reservkit reconcile`, and nothing else, in DuckDB
SQL on the same transcription files: the yardstick that issue 13 measures
reconcile against.

    pip install duckdb
    /usr/bin/time -v python3 tests/bench/duckdb_pairing.py DIR/logg OUT.csv

What it does, as reservkit does it: a `rättelse` line replaces the line for
the same sheet and row; the unit is the sheet number without its serial;
each row is seen as caller -> receiver (`ut`: the unit calls `motpart`,
`in`: `motpart` calls the unit); rows are grouped by caller, receiver,
identity number (personnummer and samordningsnummer by their last ten
digits, reservnummer as written) and event; within a group the caller's
and the receiver's rows are paired in time order (reservkit pairs the
closest first, which is the same for the benchmark's outage), a pair more
than `match_tolerance_minutes` (10 in the shipped kit.yaml) apart is a time
conflict, a row left over is one-sided. It writes one line per call and
prints the count per status.

What it leaves out, and reservkit does besides: checking every line,
`makulering`, «Rättar rad», the daylight-saving hour, cases, payment
responsibility, discrepancies, worklists (CSV and PDF), JSON records and
scrubbing patient data from the records.
"""

import sys

import duckdb

TOLERANCE_MINUTES = 10

SQL = """
COPY (
  WITH raw AS (
    SELECT * FROM read_csv($files, delim = ';', header = true, all_varchar = true)
  ),
  live AS (
    SELECT * FROM raw
    WHERE coalesce(post, '') <> 'makulering'
    QUALIFY row_number() OVER (
      PARTITION BY blad, rad ORDER BY (coalesce(post, '') = 'rättelse') DESC) = 1
  ),
  side AS (
    SELECT
      regexp_replace(blad, '-[0-9]+$', '') AS unit,
      blad, CAST(rad AS INTEGER) AS rad, riktning, motpart, handelse,
      CASE WHEN id_typ IN ('R', 'reserv') THEN personnummer
           ELSE right(regexp_replace(personnummer, '[-+]', '', 'g'), 10) END AS id,
      strptime(datum || ' ' || replace(klockslag, '.', ':'), '%Y-%m-%d %H:%M') AS tid
    FROM live
  ),
  ut AS (
    SELECT unit AS caller, motpart AS receiver, id, handelse, tid, blad, rad,
      row_number() OVER (PARTITION BY unit, motpart, id, handelse ORDER BY tid, blad, rad) AS k
    FROM side WHERE riktning = 'ut'
  ),
  inn AS (
    SELECT motpart AS caller, unit AS receiver, id, handelse, tid, blad, rad,
      row_number() OVER (PARTITION BY motpart, unit, id, handelse ORDER BY tid, blad, rad) AS k
    FROM side WHERE riktning = 'in'
  )
  SELECT
    coalesce(ut.caller, inn.caller) AS uppringare,
    coalesce(ut.receiver, inn.receiver) AS mottagare,
    coalesce(ut.id, inn.id) AS id,
    coalesce(ut.handelse, inn.handelse) AS handelse,
    ut.tid AS tid_uppringare,
    inn.tid AS tid_mottagare,
    CASE
      WHEN ut.tid IS NULL OR inn.tid IS NULL THEN 'ensidig'
      WHEN abs(date_diff('minute', ut.tid, inn.tid)) <= $tolerance THEN 'matchad'
      ELSE 'matchad med tidskonflikt'
    END AS status,
    ut.blad || ':' || ut.rad AS kalla_uppringare,
    inn.blad || ':' || inn.rad AS kalla_mottagare
  FROM ut FULL OUTER JOIN inn
    ON ut.caller = inn.caller AND ut.receiver = inn.receiver
   AND ut.id = inn.id AND ut.handelse = inn.handelse AND ut.k = inn.k
  ORDER BY coalesce(ut.tid, inn.tid), uppringare, mottagare, id, handelse
) TO '{out}' (HEADER, DELIMITER ';')
"""


def main() -> None:
    if len(sys.argv) != 3:
        sys.exit("användning: duckdb_pairing.py LOGGMAPP UT.csv")
    logg, out = sys.argv[1], sys.argv[2]
    con = duckdb.connect()
    con.execute("SET threads TO 2")
    con.execute(
        SQL.replace("{out}", out.replace("'", "''")),
        {"files": f"{logg}/*.csv", "tolerance": TOLERANCE_MINUTES},
    )
    counts = con.execute(
        f"SELECT status, count(*) FROM read_csv('{out.replace(chr(39), chr(39) * 2)}', "
        "delim = ';', header = true) GROUP BY status ORDER BY status"
    ).fetchall()
    for status, n in counts:
        print(f"{status}: {n}")


if __name__ == "__main__":
    main()
