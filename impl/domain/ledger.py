"""The double-entry ledger: balances change only through journal entries whose postings sum to zero per asset.

A balance is kept per (account, asset) in two buckets, `free` and `locked`, as integer minor units of the asset
(10^-precision); `total = free + locked` by definition. Accounts are user ids (`usr_…`) and two system accounts:
`sys:deposits` (the outside world: a deposit moves value from it to a user, so it goes negative by what was
credited) and `sys:fees` (collects fees).

Invariants, checked on every `post` before anything changes:
- the postings of one entry sum to zero per asset (value is only moved, never created or destroyed);
- no bucket of any account other than `sys:deposits` ever goes below zero.

A `Journal` is the working set of one store transaction (the engine's batch): it reads balances through `read`
(the engine's committed balances), keeps the changed ones in memory, and hands the entries and the changed
balances to the store to write; the engine adopts them as committed only after the commit. It knows nothing of
orders or markets; `impl.domain.engine` builds the entries.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import NamedTuple

DEPOSITS = "sys:deposits"
FEES = "sys:fees"
BUCKETS = ("free", "locked")
ENTRY_KINDS = ("deposit", "reserve", "release", "fill")


class LedgerViolation(AssertionError):
    """An entry that would break an invariant: a bug in the caller, never a user error."""


class Posting(NamedTuple):  # named tuples: the engine makes several per command, and they are immutable
    account: str
    asset: str
    bucket: str
    amount: int


class Entry(NamedTuple):
    kind: str
    ref: str  # what it is about: an order id, a trade id, a deposit reference
    ts_ms: int
    postings: tuple[Posting, ...]


@dataclass
class Journal:
    read: Callable[[str, str], tuple[int, int]]  # (account, asset) -> (free, locked) as stored
    entries: list[Entry] = field(default_factory=list)
    balances: dict[tuple[str, str], list[int]] = field(default_factory=dict)  # read or changed: [free, locked]
    changed: set[tuple[str, str]] = field(default_factory=set)
    touched: set[tuple[str, str]] = field(default_factory=set)  # changed since the caller last cleared it

    def balance(self, account: str, asset: str) -> tuple[int, int]:
        current = self._slot(account, asset)
        return current[0], current[1]

    def post(self, kind: str, ref: str, ts_ms: int, postings: list[Posting]) -> None:
        postings = [p for p in postings if p.amount != 0]
        if not postings:
            return
        if kind not in ENTRY_KINDS:
            raise LedgerViolation(f"unknown entry kind {kind!r}")
        sums: dict[str, int] = {}
        after: dict[tuple[str, str], list[int]] = {}
        for account, asset, bucket, amount in postings:
            if bucket == "free":
                index = 0
            elif bucket == "locked":
                index = 1
            else:
                raise LedgerViolation(f"unknown bucket {bucket!r}")
            sums[asset] = sums.get(asset, 0) + amount
            slot = after.get((account, asset))
            if slot is None:
                slot = after[(account, asset)] = list(self._slot(account, asset))
            slot[index] += amount
        if any(sums.values()):
            unbalanced = {asset: total for asset, total in sums.items() if total != 0}
            raise LedgerViolation(f"entry {kind} {ref} does not sum to zero: {unbalanced}")
        for (account, asset), (free, locked) in after.items():
            if (free < 0 or locked < 0) and account != DEPOSITS:
                raise LedgerViolation(f"entry {kind} {ref} would make {account} {asset} negative")
        self.balances.update(after)
        self.changed.update(after)
        self.touched.update(after)
        self.entries.append(Entry(kind, ref, ts_ms, tuple(postings)))

    # -- the entries the exchange makes ------------------------------------------------------------------------
    def deposit(self, account: str, asset: str, amount: int, ref: str, ts_ms: int) -> None:
        if amount <= 0:
            raise LedgerViolation("a deposit must be positive")
        self.post("deposit", ref, ts_ms, [Posting(DEPOSITS, asset, "free", -amount),
                                          Posting(account, asset, "free", amount)])

    def reserve(self, account: str, asset: str, amount: int, ref: str, ts_ms: int) -> None:
        self._move("reserve", account, asset, amount, 0, ref, ts_ms)

    def release(self, account: str, asset: str, amount: int, ref: str, ts_ms: int) -> None:
        self._move("release", account, asset, amount, 1, ref, ts_ms)

    def _move(self, kind: str, account: str, asset: str, amount: int, source: int, ref: str, ts_ms: int) -> None:
        """`amount` from one bucket of a balance to the other: `post` with two postings of one (account, asset),
        which sum to zero by construction — the engine makes two of these per order, so only the source bucket
        is checked. Anything unusual (a negative amount) takes `post`'s full path."""
        if amount <= 0:
            if amount < 0:
                postings = [Posting(account, asset, BUCKETS[source], -amount),
                            Posting(account, asset, BUCKETS[1 - source], amount)]
                self.post(kind, ref, ts_ms, postings)
            return
        key = (account, asset)
        slot = self.balances.get(key) or self._slot(account, asset)
        left = slot[source] - amount
        if left < 0 and account != DEPOSITS:
            raise LedgerViolation(f"entry {kind} {ref} would make {account} {asset} negative")
        self.balances[key] = [left, slot[1] + amount] if source == 0 else [slot[0] + amount, left]
        self.changed.add(key)
        self.touched.add(key)
        self.entries.append(Entry(kind, ref, ts_ms, (Posting(account, asset, BUCKETS[source], -amount),
                                                     Posting(account, asset, BUCKETS[1 - source], amount))))

    def settle_fill(self, *, buyer: str, seller: str, base: str, quote: str, base_amount: int, quote_amount: int,
                    buyer_fee: int, seller_fee: int, ref: str, ts_ms: int) -> None:
        """A trade: the buyer's locked quote pays the seller, the seller's locked base goes to the buyer; each
        side's fee is taken from what it receives and credited to `sys:fees`. Balanced by construction; the usual
        case (positive amounts, fees within them, three distinct accounts, two assets) only checks the two locked
        buckets it takes from, anything else takes `post`'s full path."""
        postings = [
            Posting(buyer, quote, "locked", -quote_amount),
            Posting(seller, quote, "free", quote_amount - seller_fee),
            Posting(FEES, quote, "free", seller_fee),
            Posting(seller, base, "locked", -base_amount),
            Posting(buyer, base, "free", base_amount - buyer_fee),
            Posting(FEES, base, "free", buyer_fee),
        ]
        usual = (quote_amount > 0 and base_amount > 0 and 0 <= seller_fee <= quote_amount
                 and 0 <= buyer_fee <= base_amount and base != quote
                 and buyer != seller and FEES not in (buyer, seller) and DEPOSITS not in (buyer, seller))
        if not usual:
            self.post("fill", ref, ts_ms, postings)
            return
        paying, giving = self._slot(buyer, quote), self._slot(seller, base)
        if paying[1] < quote_amount or giving[1] < base_amount:
            who = buyer if paying[1] < quote_amount else seller
            raise LedgerViolation(f"entry fill {ref} would make {who} negative")
        for account, asset, bucket, amount in postings:
            if amount:
                slot = self._slot(account, asset)
                self.balances[(account, asset)] = ([slot[0] + amount, slot[1]] if bucket == "free"
                                                   else [slot[0], slot[1] + amount])
                self.changed.add((account, asset))
                self.touched.add((account, asset))
        self.entries.append(Entry("fill", ref, ts_ms, tuple(p for p in postings if p.amount)))

    def _slot(self, account: str, asset: str) -> list[int]:
        slot = self.balances.get((account, asset))
        if slot is None:
            slot = list(self.read(account, asset))
            self.balances[(account, asset)] = slot
        return slot
