"""Fixed facts of the generator's design (not planted parameters, see
``params``): time units, output formats, and the codes of session kinds, login
states and event slots that the simulation works with."""

from __future__ import annotations

import numpy as np

Arr = np.ndarray
Frame = dict[str, np.ndarray]

DAY = 86_400
HOUR = 3_600
SESSION_TIMEOUT_S = 1_800
GENERATOR_VERSION = "1.0"
REPORTING_CURRENCY = "USD"
FORMATS = ("csv", "csv.gz", "parquet")
# shop_orders is written with +08:00 offsets in CSV so that the loader's
# UTC normalisation is exercised; every other table is written in UTC.
OFFSET_TABLE = "shop_orders"
OFFSET_TZ_HOURS = 8

# Event slots of a session, in canonical (funnel) order.
N_SLOTS = 9
SLOT_LANDING, SLOT_LOGIN, SLOT_PAGE, SLOT_SEARCH, SLOT_PV = 0, 1, 2, 3, 4
SLOT_ATC, SLOT_RM, SLOT_BC, SLOT_PURCHASE = 5, 6, 7, 8
SLOT_EVENT = np.array([0, 8, 0, 2, 1, 3, 4, 5, 6])  # index into EVENT_NAMES
SLOT_PAGE_TYPE = np.array([0, 8, 1, 3, 2, 2, 4, 5, 6])  # index into PAGE_TYPES
KIND_BROWSE, KIND_SIGNUP, KIND_PURCHASE, KIND_CONFLICT, KIND_ABANDONED = range(5)
LOGIN_NONE, LOGIN_REMEMBERED, LOGIN_EVENT, LOGIN_SIGNUP = range(4)
