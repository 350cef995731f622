"""The local Spark the ``spark`` dbt target runs on, for the loader and the tests.

dbt-spark's session method starts Spark inside the dbt process with
``SparkSession.builder.enableHiveSupport()`` and the profile's
``server_side_parameters`` as builder configs. The loader
(``scripts/load_raw.py --database spark:DIR``) and the parity test open a
session with exactly the same settings (``settings()``), so they read and
write the same catalog: tables under ``DIR/tables`` and the embedded Derby
metastore in ``DIR/metastore_db`` (Derby's ``derby.log`` lands there too).
``DIR`` defaults to ``$SPARK_WAREHOUSE_DIR`` or ``warehouse/spark``.

Only one process at a time can open an embedded Derby metastore: run the
loader, dbt and the checks one after the other, never side by side.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

DEFAULT_DIR = "warehouse/spark"
SPARK_SCHEME = "spark:"


def warehouse_dir(explicit: str | Path | None = None) -> str:
    """The Spark warehouse directory: the argument, $SPARK_WAREHOUSE_DIR or warehouse/spark."""
    return str(explicit or os.environ.get("SPARK_WAREHOUSE_DIR") or DEFAULT_DIR)


def settings(directory: str | Path | None = None) -> dict[str, str]:
    """The Spark configuration of the profile's ``spark`` output for a warehouse directory.

    Keep in step with profiles.yml (tests/test_engines.py compares the two).
    """
    home = warehouse_dir(directory)
    return {
        "spark.master": "local[2]",
        "spark.driver.memory": "3g",
        "spark.sql.shuffle.partitions": "4",
        "spark.sql.session.timeZone": "UTC",
        "spark.ui.enabled": "false",
        "spark.ui.showConsoleProgress": "false",
        "spark.log.level": "ERROR",
        "spark.sql.warehouse.dir": f"{home}/tables",
        "spark.driver.extraJavaOptions": f"-Dderby.system.home={home}",
        "spark.hadoop.javax.jdo.option.ConnectionURL": "jdbc:derby:;databaseName=metastore_db;create=true",
        # dbt-spark forces this on its own sessions (ANSI mode off on Spark 4)
        "spark.sql.ansi.enabled": "false",
    }


def require_java() -> None:
    """Fail with a clear message when no Java runtime is on PATH (Spark needs Java 17+)."""
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        raise RuntimeError("Spark needs a Java 17 runtime: apt-get install openjdk-17-jre-headless")


def session(directory: str | Path | None = None) -> Any:
    """A local SparkSession with Hive support on the warehouse directory (as dbt-spark builds it)."""
    require_java()
    from pyspark.sql import SparkSession

    Path(warehouse_dir(directory)).mkdir(parents=True, exist_ok=True)
    builder = SparkSession.builder.enableHiveSupport().appName("ecommerce_kpi")
    for key, value in settings(directory).items():
        builder = builder.config(key, value)
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    return spark
