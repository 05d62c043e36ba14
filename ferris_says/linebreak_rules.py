"""UAX #14 line-breaking rules compiled into a pair table, as unicode-linebreak 0.1.x does.

Not imported at run time: `tools/generate_wrap_tables.py` uses it to write
`_wrap_tables.PAIR_TABLE`, and a test recompiles it to prove the committed table still follows
from these rules.

The table is a state machine. A state is the class of the previous character or one of the extra
states below, which remember "X followed by spaces" so rules like `OP SP* ×` need only one
character of look-behind. Each cell holds the next state plus two bits: a break is allowed before
the character, or mandatory.
"""

from __future__ import annotations

# typing.TYPE_CHECKING would import typing on the plain path; mypy honours this name too.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable

# Line-breaking classes in unicode-linebreak's order (their codes are the table's columns),
# then the states that are not classes: eot is the last column, the rest are rows only.
(
    BK, CR, LF, CM, NL, SG, WJ, ZW, GL, SP, ZWJ, B2, BA, BB, HY, CB, CL, CP, EX, IN, NS, OP, QU,
    IS, NU, PO, PR, SY, AI, AL, CJ, EB, EM, H2, H3, HL, ID, JL, JV, JT, RI, SA, XX,
    eot, sot, ZWSP, OPSP, QUSP, CLSP, CPSP, B2SP, HLHYBA, RIRI,
) = range(53)  # fmt: skip
CLASS_NAMES = (
    "BK", "CR", "LF", "CM", "NL", "SG", "WJ", "ZW", "GL", "SP", "ZWJ", "B2", "BA", "BB", "HY",
    "CB", "CL", "CP", "EX", "IN", "NS", "OP", "QU", "IS", "NU", "PO", "PR", "SY", "AI", "AL", "CJ",
    "EB", "EM", "H2", "H3", "HL", "ID", "JL", "JV", "JT", "RI", "SA", "XX",
)  # fmt: skip
STATE_NAMES = CLASS_NAMES + (
    "eot", "sot", "ZWSP", "OPSP", "QUSP", "CLSP", "CPSP", "B2SP", "HLHYBA", "RIRI",
)  # fmt: skip

NUM_CLASSES = len(CLASS_NAMES)
COLUMNS = NUM_CLASSES + 1  # every class plus end of text
ROWS = len(STATE_NAMES)  # eot is never a state, but keeps its row

ALLOWED_BREAK_BIT = 0x80
MANDATORY_BREAK_BIT = 0x40

_CODES = {name: code for code, name in enumerate(STATE_NAMES)}


def _names(spec: str) -> list[int]:
    return [_CODES[name] for name in spec.split()]


def _all_but(spec: str, limit: int) -> list[int]:
    excluded = set(_names(spec))
    return [code for code in range(limit) if code not in excluded]


def compile_pair_table() -> list[list[int]]:
    """Return the ROWS x COLUMNS pair table.

    Rules are listed in UAX #14 order and applied last to first, so an earlier rule overrides a
    later one, which is the precedence the standard gives them.
    """
    table = [list(range(COLUMNS)) for _ in range(ROWS)]
    every_state = list(range(ROWS))
    every_class = list(range(COLUMNS))

    def never(first: list[int] | None = None, second: list[int] | None = None) -> None:
        for i in every_state if first is None else first:
            for j in every_class if second is None else second:
                table[i][j] &= ~(ALLOWED_BREAK_BIT | MANDATORY_BREAK_BIT)

    def allow(first: list[int] | None = None, second: list[int] | None = None) -> None:
        for i in every_state if first is None else first:
            for j in every_class if second is None else second:
                table[i][j] |= ALLOWED_BREAK_BIT

    def force(first: list[int] | None = None, second: list[int] | None = None) -> None:
        for i in every_state if first is None else first:
            for j in every_class if second is None else second:
                table[i][j] |= ALLOWED_BREAK_BIT | MANDATORY_BREAK_BIT

    def treat_pair_as(first: list[int], second: list[int], state: int) -> None:
        for i in first:
            for j in second:
                table[i][j] = state

    def treat_as(classes: list[int], cls: int) -> None:
        for j in classes:
            if j < COLUMNS:
                for row in table:
                    row[j] = row[cls]
        for i in classes:
            table[i] = list(table[cls])

    def keep_state_over(states: list[int], classes: list[int]) -> None:
        for i in states:
            for j in classes:
                table[i][j] = i

    n = _names
    rules: list[Callable[[], None]] = [
        # LB1: resolve the classes this algorithm does not tailor.
        lambda: treat_as(n("AI SG XX SA"), AL),
        lambda: treat_as(n("CJ"), NS),
        lambda: never(n("sot")),  # LB2
        lambda: force(None, n("eot")),  # LB3
        lambda: force(n("BK")),  # LB4
        lambda: never(n("CR"), n("LF")),  # LB5
        lambda: force(n("CR")),
        lambda: force(n("LF")),
        lambda: force(n("NL")),
        lambda: never(None, n("BK CR LF NL")),  # LB6
        lambda: never(None, n("SP")),  # LB7
        lambda: never(None, n("ZW")),
        # LB8: break after ZW, even across spaces (ZWSP remembers "ZW SP*").
        lambda: allow(n("ZW ZWSP")),
        lambda: treat_pair_as(n("ZW ZWSP"), n("SP"), ZWSP),
        lambda: treat_as(n("ZWSP"), SP),
        # LB8a (no break after ZWJ) is applied by the scanner, outside the table.
        # LB9: X (CM | ZWJ)* keeps the state of X.
        lambda: keep_state_over(
            _all_but("BK CR LF NL SP ZW sot eot ZWSP OPSP QUSP CLSP CPSP B2SP", ROWS), n("CM ZWJ")
        ),
        lambda: treat_as(n("CM ZWJ"), AL),  # LB10
        lambda: never(None, n("WJ")),  # LB11
        lambda: never(n("WJ")),
        lambda: never(n("GL")),  # LB12
        lambda: never(_all_but("SP BA HY sot eot ZWSP OPSP QUSP CLSP CPSP B2SP", ROWS), n("GL")),
        lambda: never(None, n("CL")),  # LB13
        lambda: never(None, n("CP")),
        lambda: never(None, n("EX")),
        lambda: never(None, n("IS")),
        lambda: never(None, n("SY")),
        lambda: never(n("OP OPSP")),  # LB14
        lambda: treat_pair_as(n("OP OPSP"), n("SP"), OPSP),
        lambda: treat_as(n("ZWSP"), SP),
        lambda: never(n("QU QUSP"), n("OP")),  # LB15
        lambda: treat_pair_as(n("QU QUSP"), n("SP"), QUSP),
        lambda: treat_as(n("QUSP"), SP),
        lambda: never(n("CL CLSP CP CPSP"), n("NS")),  # LB16
        lambda: treat_pair_as(n("CL CLSP"), n("SP"), CLSP),
        lambda: treat_as(n("CLSP"), SP),
        lambda: treat_pair_as(n("CP CPSP"), n("SP"), CPSP),
        lambda: treat_as(n("CPSP"), SP),
        lambda: never(n("B2 B2SP"), n("B2")),  # LB17
        lambda: treat_pair_as(n("B2 B2SP"), n("SP"), B2SP),
        lambda: treat_as(n("B2SP"), SP),
        lambda: allow(n("SP")),  # LB18
        lambda: never(None, n("QU")),  # LB19
        lambda: never(n("QU")),
        lambda: allow(None, n("CB")),  # LB20
        lambda: allow(n("CB")),
        lambda: never(None, n("BA")),  # LB21
        lambda: never(None, n("HY")),
        lambda: never(None, n("NS")),
        lambda: never(n("BB")),
        lambda: never(n("HLHYBA")),  # LB21a, one state for both HL HY and HL BA
        lambda: treat_pair_as(n("HL"), n("HY BA"), HLHYBA),
        lambda: treat_as(n("HLHYBA"), HY),
        lambda: never(n("SY"), n("HL")),  # LB21b
        lambda: never(None, n("IN")),  # LB22
        lambda: never(n("AL HL"), n("NU")),  # LB23
        lambda: never(n("NU"), n("AL HL")),
        lambda: never(n("PR"), n("ID EB EM")),  # LB23a
        lambda: never(n("ID EB EM"), n("PO")),
        lambda: never(n("PR PO"), n("AL HL")),  # LB24
        lambda: never(n("AL HL"), n("PR PO")),
        *(  # LB25
            (lambda a=a, b=b: never(n(a), n(b)))
            for a, b in (
                ("CL", "PO"),
                ("CP", "PO"),
                ("CL", "PR"),
                ("CP", "PR"),
                ("NU", "PO"),
                ("NU", "PR"),
                ("PO", "OP"),
                ("PO", "NU"),
                ("PR", "OP"),
                ("PR", "NU"),
                ("HY", "NU"),
                ("IS", "NU"),
                ("NU", "NU"),
                ("SY", "NU"),
            )
        ),
        lambda: never(n("JL"), n("JL JV H2 H3")),  # LB26
        lambda: never(n("JV H2"), n("JV JT")),
        lambda: never(n("JT H3"), n("JT")),
        lambda: never(n("JL JV JT H2 H3"), n("PO")),  # LB27
        lambda: never(n("PR"), n("JL JV JT H2 H3")),
        lambda: never(n("AL HL"), n("AL HL")),  # LB28
        lambda: never(n("IS"), n("AL HL")),  # LB29
        lambda: never(n("AL HL NU"), n("OP")),  # LB30
        lambda: never(n("CP"), n("AL HL NU")),
        lambda: never(n("RI"), n("RI")),  # LB30a: pairs of regional indicators
        lambda: treat_pair_as(n("RI"), n("RI"), RIRI),
        lambda: treat_as(n("RIRI"), RI),
        lambda: never(n("EB"), n("EM")),  # LB30b
        lambda: allow(None, every_class),  # LB31
        lambda: allow(every_state),
    ]
    for rule in reversed(rules):
        rule()
    return table
