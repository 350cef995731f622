"""Generate the synthetic raw data set of the e-commerce KPI warehouse.

Writes every table of the raw data contract (one file per table, named after
the table) plus ``ground_truth.json``: the parameters planted in the data and
the KPI values that actually came out, computed from the generated rows with
the KPI dictionary's definitions (test accounts excluded).

    python -m scripts.generate_data --out data/raw --scale 1 --seed 42

``--profile minimal|bare|marketplace`` writes the data set the way a real export
could look instead (tables and optional columns missing, one currency, local
time without offsets, another date span, a mid-month window): the full set is
generated into a temporary folder and reshaped by ``scripts/data_profiles.py``.
The default, ``full``, is every table as described below.

The generator writes only into its own folder: a new or empty one, or one it
wrote before (it leaves a marker file, ``.generated-by-generate_data``; older
runs are recognised by their ``ground_truth.json``). A non-empty folder of
anyone else is refused (exit 2). Regenerating removes only the files it writes
(a file per contract table in any format, the ground truth and the marker).

Everything is vectorised with NumPy (loops run over days, kinds, columns or
chunks of rows, never over rows), CSV writing included: scale 1 (about 20k
customers, 60k orders, 1.1M sessions and 3.6M web events over two years, 4.7M
rows in all) takes about 4 s on two cores, more than a million rows a second.
Both cores are kept busy: the sessions and web events are built in two halves
on two threads (NumPy lets go of the GIL in its loops), files are formatted on
two more while the rest is generated, and the SQL part of the ground truth
runs beside the NumPy part. Each half has its own random stream and every
file is written in row order, so the same arguments always give
byte-identical files.

Files: CSV (optionally gzipped) with a header row, timestamps as ISO-8601 in
UTC (``2025-03-01T10:00:00Z``) except shop_orders, whose timestamps carry a
``+08:00`` offset (same instants) to exercise the loader's UTC normalisation;
dates ``YYYY-MM-DD``; money with 2 decimals in the row's currency; booleans
``true``/``false``; a missing value is an empty field. Parquet files carry the
same columns with typed values (timestamps as UTC instants). Ids are prefixed
strings (``C000001``, ``O0000001``, ``S00000001``, ``E000000001``, ...).

How the data hangs together (order first, then the traffic around it):

1. Customers sign up over the period; each owns 1-3 anonymous ids (devices).
   Time runs on a "business clock" (``Calendar``) whose days are stretched by
   weekly and yearly seasonality, growth and promotion peaks, so everything
   drawn uniformly on it inherits those shapes.
2. Each customer's orders are a renewal process: a first order after signup,
   then repeat orders with a planted per-channel repeat probability and
   lognormal gaps (the hazard of a repurchase decays with time since the last
   order). Guest orders come on top.
3. Web and app orders get a logged-in purchase session; sign-ups get a sign-up
   session; the remaining sessions of each channel group are drawn so that the
   group's session conversion rate is the planted one.
4. Every session is expanded to events with an ordered funnel, bounces,
   dwell times and page load times; sessions of one device never come within
   30 minutes of each other.
5. Experiments assign visitors 50/50; in the experiment with a true effect a
   share of the control group's purchases does not happen (the checkout is
   abandoned), which is the planted relative lift.
6. Orders get amounts (integer cents, so every identity is exact), payments,
   shipments, refunds, reviews, NPS answers and support tickets; inventory,
   ad spend and content stats are derived from the traffic and sales.

Where things are (one module per domain, in the order the data is made):

- ``parameters.json``/``params``: every planted parameter, as data;
  ``constants``: fixed codes and units; ``schema``: the contract's tables and
  columns (from ``scripts.raw_contract``) with their Arrow types.
- ``business_clock``: the calendar; ``catalog``, ``customers``, ``orders``,
  ``sessions`` (planning, device overlaps) with ``session_events`` (events of
  a session), ``experiments``, ``marketing``, ``support``, ``inventory``,
  ``finance``, ``org``: one domain each; ``arrays``: NumPy/Arrow helpers.
- ``dataset``: every step in order (``generate``); ``tables`` and ``events``:
  the arrays as contract tables.
- ``ground_truth`` with ``truth_planted``, ``truth_sql``, ``truth_traffic``:
  ground_truth.json.
- ``csv_text``, ``csv_format``, ``writer``: the files; ``outdir``: the output
  folder; ``cli``: ``main`` and ``run``. ``scripts/generate_data.py`` is the
  stable entry point and re-exports what other code uses.
"""
