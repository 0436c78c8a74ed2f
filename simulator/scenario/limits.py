"""The bounds a scenario file must keep: size and shape of the YAML, the range of every number
and time. They keep `validate` and `run` quick and small whatever the file holds."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

#: a larger file is refused before it is parsed (the pure-Python YAML reader takes ~2.5 s/MB)
MAX_FILE_BYTES = 256 * 1024
#: nesting of mappings and lists; a scenario needs about 6
MAX_DEPTH = 32
#: `*name` references in one file
MAX_ALIASES = 100
#: YAML nodes with every alias expanded: stops an alias bomb before anything is built
MAX_NODES = 20_000
#: digits a YAML number may have; longer ones are read as text and refused by the field
MAX_NUMBER_CHARS = 40

#: the largest amount anywhere (a rate, balance, threshold, price, repayment)
MAX_AMOUNT = Decimal(10) ** 9
#: the largest exponent a number may be written with (1e9 is the largest amount anyway)
MAX_EXPONENT = 64
#: decimal places an amount may have (fee rates finer than a cent are common)
AMOUNT_PLACES = 6

#: every time in a scenario lies in [EARLIEST, LATEST)
EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
LATEST = datetime(2100, 1, 1, tzinfo=UTC)
#: the longest run and the longest policy duration, in days (10 years) and months
MAX_DAYS = 3653
MAX_MONTHS = 120

MAX_POPULATION = 1_000_000
#: a population's lognormal monthly spend: the median and the spread of its log
MAX_MEDIAN_SPEND = Decimal(10) ** 6
MAX_SPEND_SIGMA = Decimal(3)
MAX_LATENCY_MS = 600_000
#: seeds are 64-bit: numpy refuses negative ones
MAX_SEED = 2**63 - 1

#: lengths of names and free text
MAX_NAME_CHARS = 64
MAX_TEXT_CHARS = 500

#: problems listed for one file; the rest are counted
MAX_PROBLEMS = 50
#: characters of a value quoted back in a message
MAX_SHOWN_CHARS = 60
